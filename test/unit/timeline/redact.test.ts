import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { createRedactor, loadUserRedactPatterns, REDACTED } from '../../../src/timeline/redact.js';

const R = REDACTED;

describe('built-in patterns', () => {
  const r = createRedactor();
  const cases: Array<[string, string, string]> = [
    ['AWS access key id', 'key AKIAIOSFODNN7EXAMPLE in use', `key ${R} in use`],
    ['AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A', R],
    ['aws_secret_access_key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `aws_secret_access_key = ${R}`],
    ['GitHub classic token', 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a ok', `token ${R} ok`],
    ['GitHub OAuth token', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', R],
    ['GitHub server token', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a', R],
    ['GitHub refresh token', 'ghr_16C7e42F292c6912E7710c838347Ae178B4a', R],
    ['GitHub fine-grained PAT', 'github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJ', R],
    ['GitLab PAT', 'glpat-xxxxXXXXyyyyYYYYzzzz', R],
    ['Slack bot token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKl', R],
    ['Slack user token', 'xoxp-123456789012-1234567890123', R],
    ['Slack webhook', 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX', `https://hooks.slack.com/services/${R}`],
    ['Authorization Bearer', 'Authorization: Bearer abc.def-ghi', `Authorization: Bearer ${R}`],
    ['Authorization Basic in curl', `curl -H "Authorization: Basic dXNlcjpwYXNz" https://x`, `curl -H "Authorization: Basic ${R}" https://x`],
    ['password in a URL', 'postgres://admin:s3cr3t@db.internal:5432/app', `postgres://admin:${R}@db.internal:5432/app`],
    ['password in a URL, no user', 'redis://:s3cr3t@cache:6379', `redis://:${R}@cache:6379`],
    ['password=', 'PGPASSWORD=hunter22 psql', `PGPASSWORD=${R} psql`],
    ['passwd:', 'passwd: letmein', `passwd: ${R}`],
    ['token:', 'token: 0123abcd', `token: ${R}`],
    ['secret=', 'client_secret=abc123&grant=x', `client_secret=${R}&grant=x`],
    ['api_key=', '?api_key=zzz999', `?api_key=${R}`],
    ['JSON password', '{"password": "two words"}', `{"password": "${R}"}`],
    ['--password flag', 'mysql --password hunter22 db', `mysql --password ${R} db`],
    [
      'JWT',
      'jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c end',
      `jwt ${R} end`,
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(r.redact(input)).toBe(expected);
  });

  it('a PEM private key block, over many lines', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabcdEFGH\n-----END RSA PRIVATE KEY-----';
    const out = r.redact(`before\n${key}\nafter`);
    expect(out).toBe(`before\n-----BEGIN RSA PRIVATE KEY-----${R}-----END RSA PRIVATE KEY-----\nafter`);
    expect(out).not.toContain('MIIE');
  });

  it('a PEM block cut off before its end is masked to the end of the text', () => {
    expect(r.redact('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg')).not.toContain('MIIE');
  });

  it('a shell variable reference is not a secret', () => {
    expect(r.redact('mysql --password=$DB_PASSWORD -h db')).toBe('mysql --password=$DB_PASSWORD -h db');
    expect(r.redact('export TOKEN=${VAULT_TOKEN}')).toBe('export TOKEN=${VAULT_TOKEN}');
  });
});

describe('ordinary output stays untouched', () => {
  const r = createRedactor({ secrets: ['s3cr3t-value'] });
  const ordinary = [
    'commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    'a1b2c3d',
    '123e4567-e89b-12d3-a456-426614174000',
    '2026-11-28T03:00:00.123Z',
    '2026-11-28 03:00:00+00:00',
    'db-primary-01.prod.example.com',
    '10.0.12.7:5432',
    'fe80::1ff:fe23:4567:890a',
    '/var/lib/postgresql/14/main/pg_wal/000000010000000A000000FF',
    'https://grafana.example.com/d/abc123/api?orgId=1&from=now-1h',
    'NAME                      READY   STATUS             RESTARTS   AGE\napi-7d9f8b6c5-x2x9z       0/1     CrashLoopBackOff   12         37m\nworker-5c6d7e8f9-abcde    1/1     Running            0          2d',
    'Filesystem      Size  Used Avail Use% Mounted on\n/dev/vda        252G   22G   80G  22% /\ntmpfs           3.9G     0  3.9G   0% /dev/shm',
    'root:x:0:0:root:/root:/bin/bash',
    'grep: /etc/passwd: Permission denied',
    'secretName: db-credentials',
    'default-token-abcde   kubernetes.io/service-account-token   3      10d',
    'PWD=/home/oncall',
    'tokens: 5 remaining',
    'Bearer',
    'Authorization failed for user bob',
    'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  ];
  it.each(ordinary)('%s', (text) => {
    expect(r.redact(text)).toBe(text);
    const s = r.stream();
    expect(s.push(text) + s.flush()).toBe(text);
  });
});

describe('secret values', () => {
  const secret = 'Tr0ub4dor&3 horse';
  const r = createRedactor({ secrets: [secret] });
  const forms: Array<[string, string]> = [
    ['plain', secret],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64 of echo output (with newline)', Buffer.from(`${secret}\n`).toString('base64')],
    ['base64url', Buffer.from(secret).toString('base64url')],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', encodeURIComponent(secret).replace(/%20/g, '+')],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
  ];
  it.each(forms)('%s form is masked', (_name, form) => {
    const out = r.redact(`value: <${form}> done`);
    expect(out).not.toContain(form);
    expect(out).toContain(R);
    expect(out).toContain('done');
  });

  it('base64 of the secret inside a larger base64 blob is masked', () => {
    for (const prefix of ['u:', 'us:', 'use:']) {
      const blob = Buffer.from(`${prefix}${secret}`).toString('base64');
      expect(r.redact(blob)).toContain(R);
    }
  });

  it('each line of a multi-line secret is masked, and short lines are not', () => {
    const multi = createRedactor({ secrets: ['line-one-abc\nline-two-def\nab'] });
    const out = multi.redact('got line-two-def and ab here');
    expect(out).toBe(`got ${R} and ab here`);
  });

  it('secrets shorter than 4 characters are not masked in free text', () => {
    const short = createRedactor({ secrets: ['abc'] });
    expect(short.redact('abc def')).toBe('abc def');
  });

  it('addSecret and addPattern take effect at once', () => {
    const x = createRedactor();
    x.addSecret('late-secret');
    x.addPattern('internal-[0-9a-f]{8}');
    expect(x.redact('late-secret internal-deadbeef')).toBe(`${R} ${R}`);
  });

  it('a pattern with nested quantifiers runs in linear time (RE2): `(a|aa)+$` on 50,000 characters', () => {
    const x = createRedactor({ patterns: ['(a|aa)+$'] });
    // JavaScript's own engine takes about 37 s for 41 characters of this; RE2 takes milliseconds for any length.
    const t0 = performance.now();
    expect(x.redact(`${'a'.repeat(40)}b`)).toBe(`${'a'.repeat(40)}b`);
    expect(x.redact(`${'a'.repeat(50_000)}b`)).toBe(`${'a'.repeat(50_000)}b`);
    expect(x.redact('xx aaaa')).toBe(`xx ${R}`);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('a pattern RE2 cannot run (lookbehind, backreference) is a UserError with the reason', () => {
    expect(() => createRedactor().addPattern('(?<=x)y')).toThrow(/RE2 syntax/);
    expect(() => createRedactor().addPattern('(a)\\1')).toThrow(UserError);
  });

  it('an invalid pattern is a UserError naming it', () => {
    expect(() => createRedactor().addPattern('([')).toThrow(UserError);
    expect(() => createRedactor().addPattern('([')).toThrow(/\(\[/);
  });
});

describe('stream()', () => {
  const secret = 'sup3r-s3cret-valu3';
  it('a secret delivered one byte at a time never appears', () => {
    const r = createRedactor({ secrets: [secret] });
    const text = `starting\nthe value is ${secret} and again ${Buffer.from(secret).toString('base64')}\nend`;
    const s = r.stream();
    let out = '';
    for (const ch of text) out += s.push(ch);
    out += s.flush();
    expect(out).toBe(`starting\nthe value is ${R} and again ${R}\nend`);
  });

  it('built-in patterns split across chunks are caught', () => {
    const r = createRedactor();
    const text = 'curl -H "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123" x\npassword=hunter22\nghp_16C7e42F292c6912E7710c838347Ae178B4a\n';
    for (let cut = 1; cut < text.length; cut++) {
      const s = r.stream();
      const out = s.push(text.slice(0, cut)) + s.push(text.slice(cut)) + s.flush();
      expect(out).toBe(r.redact(text));
    }
  });

  it('a PEM block streamed line by line is masked', () => {
    const r = createRedactor();
    const body = Array.from({ length: 30 }, (_, i) => `MIIEpAIBAAKCAQEA${i}abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH`).join('\n');
    const text = `x\n-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\ny\n`;
    const s = r.stream();
    let out = '';
    for (const line of text.split(/(?<=\n)/)) out += s.push(line);
    out += s.flush();
    expect(out).not.toContain('MIIE');
    expect(out).toContain('y\n');
  });

  it('holds back only what could start a secret', () => {
    const r = createRedactor({ secrets: [secret] });
    const s = r.stream();
    // A complete line that cannot start a secret is let through at once.
    expect(s.push('hello world\n')).toBe('hello world\n');
    // An unfinished line is held back (it might still become `password=…`), the start of a secret too…
    expect(s.push('x sup3r')).toBe('');
    // …and masked once it completes.
    expect(s.push('-s3cret-valu3 done\n')).toBe(`x ${R} done\n`);
    // A long unfinished line is let through, up to the pattern window and whatever could start a secret.
    const long = 'y'.repeat(2000);
    const out = s.push(`${long} sup3r-s3`);
    expect(out.length).toBeGreaterThan(1000);
    expect(out.length).toBeLessThan(2000);
    expect(out + s.push('cret-valu3\n') + s.flush()).toBe(`${long} ${R}\n`);
  });

  it('stream output equals redact() for any split (property)', () => {
    const r = createRedactor({ secrets: [secret, 'other-Secret-2'] });
    const piece = fc.constantFrom(secret, 'other-Secret-2', 'password=abc123 ', 'AKIAIOSFODNN7EXAMPLE', 'plain text ', '\n', 'sup3r', ' ', 'x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.array(fc.nat(400), { maxLength: 6 }), (pieces, cuts) => {
        const text = pieces.join(' ');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const s = r.stream();
        let out = '';
        let prev = 0;
        for (const p of points) {
          out += s.push(text.slice(prev, p));
          prev = p;
        }
        out += s.push(text.slice(prev)) + s.flush();
        expect(out).toBe(r.redact(text));
        expect(out).not.toContain(secret);
        expect(out).not.toContain('other-Secret-2');
        expect(out).not.toContain('AKIAIOSFODNN7EXAMPLE');
      }),
      { numRuns: 500 },
    );
  });
});

describe('loadUserRedactPatterns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-config-'));
  it('reads $RUNBOOK_CONFIG', () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ redact: ['corp-[0-9]+'] }));
    expect(loadUserRedactPatterns({ RUNBOOK_CONFIG: file })).toEqual(['corp-[0-9]+']);
  });
  it('falls back to $XDG_CONFIG_HOME/runbook/config.json, then ~/.config', () => {
    mkdirSync(join(dir, 'xdg', 'runbook'), { recursive: true });
    writeFileSync(join(dir, 'xdg', 'runbook', 'config.json'), '{"redact":["x{3}"]}');
    expect(loadUserRedactPatterns({ XDG_CONFIG_HOME: join(dir, 'xdg') })).toEqual(['x{3}']);
    mkdirSync(join(dir, 'home', '.config', 'runbook'), { recursive: true });
    writeFileSync(join(dir, 'home', '.config', 'runbook', 'config.json'), '{"redact":["y{3}"]}');
    expect(loadUserRedactPatterns({ HOME: join(dir, 'home') })).toEqual(['y{3}']);
  });
  it('a missing file is fine', () => {
    expect(loadUserRedactPatterns({ RUNBOOK_CONFIG: join(dir, 'nope.json') })).toEqual([]);
  });
  it('a broken file is a UserError naming the file', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ redact: ');
    expect(() => loadUserRedactPatterns({ RUNBOOK_CONFIG: file })).toThrow(UserError);
    expect(() => loadUserRedactPatterns({ RUNBOOK_CONFIG: file })).toThrow(file);
    writeFileSync(file, '{"redact":["(("]}');
    expect(() => loadUserRedactPatterns({ RUNBOOK_CONFIG: file })).toThrow(file);
    writeFileSync(file, '{"redact":"x"}');
    expect(() => loadUserRedactPatterns({ RUNBOOK_CONFIG: file })).toThrow(file);
  });
});
