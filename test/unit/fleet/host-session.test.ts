// A host's shell session: the frames the host writes on the command's output are taken out of it exactly
// (wherever they fall, however the stream is cut), and the remote program, run here by /bin/sh as a host
// would, restores a host's state as data and reports it back byte for byte.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRemoteProgram } from '../../../src/fleet/remote-script.js';
import { createFrameFilter, sessionNonce } from '../../../src/fleet/session-frames.js';
import { HostSessions } from '../../../src/runner/host-sessions.js';
import { parseDump, RESTORE_VAR } from '../../../src/runner/session-state.js';
import { emptyRecordedSession, recordSessionEvent } from '../../../src/runner/session.js';

const tmp = mkdtempSync(join(tmpdir(), 'runbook-host-session-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function filterAll(nonce: string, chunks: Buffer[]): { out: Buffer; b: Buffer | undefined; a: Buffer | undefined } {
  const parts: Buffer[] = [];
  const f = createFrameFilter(nonce, (c) => parts.push(c));
  for (const c of chunks) f.push(c);
  f.end();
  return { out: Buffer.concat(parts), b: f.payload('B'), a: f.payload('A') };
}

function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((i) => i % (bytes.length + 1)))].sort((x, y) => x - y);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}

describe('the frame filter', () => {
  const nonce = '0123456789abcdef0123456789abcdef';
  const frames = (tag: string, payload: Buffer): string =>
    (payload.toString('base64').match(/.{1,76}/g) ?? []).map((l) => `${nonce}${tag}${l}\n`).join('');

  it('passes the output through byte for byte and keeps each payload, frames anywhere, the stream cut anywhere', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 8 }),
        (outArr, payloadArr, atRaw, cuts) => {
          const output = Buffer.from(outArr);
          const payload = Buffer.from(payloadArr);
          // A frame may start mid-line (a background process printed without a newline).
          const at = atRaw % (output.length + 1);
          const stream = Buffer.concat([output.subarray(0, at), Buffer.from(frames('A', payload)), output.subarray(at)]);
          const r = filterAll(nonce, cut(stream, cuts));
          expect(r.out.equals(output)).toBe(true);
          expect(r.a?.equals(payload)).toBe(true);
          expect(r.b).toBeUndefined();
        },
      ),
      { numRuns: 300, seed: 14 },
    );
  });

  it('output that only starts like the nonce is output', () => {
    const text = `${nonce.slice(0, 20)}\n${nonce}not base64 here!\nend ${nonce.slice(0, 5)}`;
    expect(filterAll(nonce, cut(Buffer.from(text), [3, 25, 40])).out.toString()).toBe(text);
  });
});

/** Runs the remote program as a host's /bin/sh does (stdin open until it ends), in `cwd`. */
function runProgram(program: string, cwd: string): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', program], { cwd, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmp }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

async function onHost(h: HostSessions, script: string): Promise<{ code: number | null; output: string; stderr: string; change: ReturnType<HostSessions['settle']> }> {
  const nonce = sessionNonce();
  const program = buildRemoteProgram({ script, env: {}, timeoutMs: 10_000, session: { restore: h.restoreFor('h', false) } }, 2, nonce);
  const r = await runProgram(program, tmp);
  const parts: Buffer[] = [];
  const f = createFrameFilter(nonce, (c) => parts.push(c));
  f.push(r.stdout);
  f.end();
  const change = r.code === 0 ? h.settle('h', f.payload('B'), f.payload('A')) : undefined;
  return { code: r.code, output: Buffer.concat(parts).toString('latin1'), stderr: r.stderr, change };
}

describe('the remote program with a session', () => {
  it('carries values exactly (newlines, quotes, =, bytes that are not UTF-8), unset and cd; a failure leaves the state', async () => {
    const h = new HostSessions();
    const values = fc.sample(fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a.map((b) => (b === 0 ? 1 : b)))), { numRuns: 40, seed: 15 });
    values.push(Buffer.from(`a=1\n"b" 'c' $(x) \\ %s \\c`), Buffer.from([0xff, 0xfe, 0x0a]));
    // The first command sets them from data (its own stdin would do; here: printf of escapes, no value as code).
    const set = values.map((v, i) => `printf -v V${i} %b '${[...v].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'; export V${i}`).join('\n');
    const first = await onHost(h, `${set}\nexport GONE=1\nmkdir -p sub && cd sub\necho done`);
    expect(first.stderr).toBe('');
    expect(first.output).toBe('done\n'); // the frames are not output
    expect(first.change?.diff.added).toEqual(expect.arrayContaining(['GONE', 'V0', `V${values.length - 1}`]));
    expect(first.change?.diff.cwd?.toString()).toBe(join(tmp, 'sub'));

    const failed = await onHost(h, 'export V0=changed; unset V1; cd /; exit 3');
    expect(failed.code).toBe(3);

    // The next command starts in the carried state: its own "before" report holds every value as it was set.
    const second = await onHost(h, 'unset GONE; echo "$PWD"');
    expect(second.output).toBe(`${join(tmp, 'sub')}\n`);
    expect(second.change?.diff).toMatchObject({ added: [], changed: [], removed: ['GONE'] });
    const nonce = sessionNonce();
    const probe = await runProgram(buildRemoteProgram({ script: 'true', env: {}, timeoutMs: 10_000, session: { restore: h.restoreFor('h', false) } }, 2, nonce), tmp);
    const f = createFrameFilter(nonce, () => undefined);
    f.push(probe.stdout);
    f.end();
    const state = parseDump(f.payload('B') ?? Buffer.alloc(0));
    values.forEach((v, i) => expect(state?.env.get(`V${i}`)?.equals(v), `V${i}`).toBe(true));
    expect(state?.env.has('GONE')).toBe(false);
    expect(state?.env.has(RESTORE_VAR)).toBe(false);
  });

  it('another shell runs the script as is, and reports nothing', async () => {
    const h = new HostSessions();
    const nonce = sessionNonce();
    const r = await runProgram(buildRemoteProgram({ script: 'export X=1; echo hi', shell: 'sh', env: {}, timeoutMs: 10_000, session: { restore: '' } }, 2, nonce), tmp);
    expect(r.stdout.toString()).toBe('hi\n');
    expect(h.restoreFor('h', false)).toBe('');
  });
});

describe('--resume', () => {
  it("folds each host's recorded changes apart from the local session, and restores them per host", () => {
    const r = emptyRecordedSession();
    const ev = (host: string | undefined, added: string, values: Record<string, string>, cwd = ''): Parameters<typeof recordSessionEvent>[1] =>
      ({ type: 'session.changed', id: '1.1', added, changed: '', removed: '', cwd, values: JSON.stringify(values), ...(host ? { host } : {}) });
    recordSessionEvent(r, ev(undefined, 'LOCAL', { LOCAL: 'here' }));
    recordSessionEvent(r, ev('web1', 'POD TOKEN', { POD: 'a\nb' }, '/srv'));
    recordSessionEvent(r, ev('web2', 'POD', { POD: 'other' }));
    expect([...r.set]).toEqual([['LOCAL', 'here']]);
    const h = new HostSessions();
    expect(h.restore('web1', r.hosts?.get('web1') ?? emptyRecordedSession())).toEqual(['TOKEN']);
    h.restore('web2', r.hosts?.get('web2') ?? emptyRecordedSession());
    expect(h.restoreFor('web1', false)).toBe('@/srv\nPOD=a\\x0ab');
    expect(h.restoreFor('web1', true)).toBe('POD=a\\x0ab');
    expect(h.restoreFor('web2', false)).toBe('POD=other');
    expect(h.has('web1', 'POD') && !h.has('web1', 'TOKEN')).toBe(true);
  });
});
