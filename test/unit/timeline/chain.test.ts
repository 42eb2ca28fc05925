// The hash chain (docs/timeline-format.md#the-hash-chain) and `verify`'s verdicts (docs/verify.md): every line's
// prev is the SHA-256 of the line before it as written; each kind of tampering is named at its line; a signed
// seal verifies against an allowed_signers file and is refused with another key (real ssh-keygen).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_HASH } from '../../../src/timeline/chain.js';
import type { EventBody } from '../../../src/timeline/events.js';
import { createRedactor } from '../../../src/timeline/redact.js';
import { sshSealer } from '../../../src/timeline/ssh-sign.js';
import { verifyTimeline, type ProblemKind } from '../../../src/timeline/verify.js';
import { openTimeline } from '../../../src/timeline/writer.js';
import { fakeClock, note, runStarted, tempDir } from './helpers.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const linesOf = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
const env = { ...process.env, HOME: tempDir('runbook-home-') }; // no ~/.ssh key of the machine's user
const unsigned = sshSealer({ key: null, actor: 'alice', env, notice: () => undefined });

const output = (data: string): EventBody => ({ type: 'command.output', id: '1.1', stream: 'stdout', data });

/** A finished, sealed run of 10 events (+ its seal), as a runner writes it. */
async function sealedRun(dir: string, sealer = unsigned): Promise<string> {
  const path = join(dir, 't.jsonl');
  const clock = fakeClock();
  const w = await openTimeline(path, { clock, redactor: createRedactor(), create: true, owner: true, sealer });
  await w.append(runStarted());
  await w.append({ type: 'step.started', step: 1, title: 'Check' });
  await w.append({ type: 'command.started', step: 1, id: '1.1', command: 'df -h', edited: false, danger: false });
  for (const d of ['Filesystem Size\n', '/dev/vda1 50G\n', 'tmpfs 1G\n']) await w.append(output(d));
  await w.append({ type: 'command.finished', id: '1.1', exit_code: 0, signal: null, duration_ms: 40, timed_out: false, interrupted: false, omitted_bytes: 0 });
  await w.append(note('disk is fine'));
  await w.append({ type: 'step.completed', step: 1, title: 'Check' });
  await w.append({ type: 'run.finished', status: 'completed', duration_ms: 900 });
  await w.close();
  return path;
}

const rewrite = (path: string, lines: string[]): void => writeFileSync(path, lines.map((l) => `${l}\n`).join(''));

/** Recompute every prev (and the seal's head) after an edit, as someone rewriting the file without the key would. */
function rechain(lines: string[]): string[] {
  let prev = EMPTY_HASH;
  return lines.map((l) => {
    const e = JSON.parse(l) as Record<string, unknown>;
    e.prev = prev;
    if (e.type === 'seal') e.head = prev;
    const out = JSON.stringify(e);
    prev = sha(out);
    return out;
  });
}

describe('the writer chains every line', () => {
  it("first prev is the hash of nothing, each next one the SHA-256 of the line before as written; the seal holds the head", async () => {
    const path = await sealedRun(tempDir());
    const lines = linesOf(path);
    expect(lines).toHaveLength(11);
    expect(JSON.parse(lines[0] as string).prev).toBe(sha(''));
    for (let i = 1; i < lines.length; i++) expect(JSON.parse(lines[i] as string).prev, `line ${i + 1}`).toBe(sha(lines[i - 1] as string));
    const seal = JSON.parse(lines[10] as string);
    expect(seal).toMatchObject({ type: 'seal', seq: 10, events: 10, head: sha(lines[9] as string), actor: 'alice', signature: null });
    // prev sits in the envelope, after mono_ms
    expect(lines[1]).toMatch(/^\{"v":1,"seq":1,"ts":"[^"]+","mono_ms":\d+,"prev":"[0-9a-f]{64}","type":"step\.started"/);
    const r = await verifyTimeline(path, { env });
    expect(r).toMatchObject({ ok: true, events: 11, chain: 'intact', problem: null, head: sha(lines[10] as string) });
    expect(r.seal).toMatchObject({ line: 11, events: 10, signed: false, actor: 'alice' });
  });

  it('two writers on one file (each finding the other’s lines under the lock) keep the chain exact', async () => {
    const path = join(tempDir(), 't.jsonl');
    const a = await openTimeline(path, { clock: fakeClock(), redactor: createRedactor(), create: false });
    const b = await openTimeline(path, { clock: fakeClock(), redactor: createRedactor(), create: false });
    await a.append(runStarted());
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append(note(`n${i}`))));
    await b.seal(unsigned);
    await a.close();
    await b.close();
    expect(await verifyTimeline(path, { env })).toMatchObject({ ok: true, events: 22 });
  });

  it('a torn last line is moved aside and the chain goes on from the last whole line', async () => {
    const dir = tempDir();
    const path = join(dir, 't.jsonl');
    const w = await openTimeline(path, { clock: fakeClock(), redactor: createRedactor(), create: true });
    await w.append(runStarted());
    await w.append(note('whole'));
    await w.close();
    const whole = linesOf(path);
    appendFileSync(path, '{"v":1,"seq":2,"ts":"2026-11-28T03:00:0');
    expect((await verifyTimeline(path, { env })).problem).toMatchObject({ kind: 'truncated', line: 3 });
    const w2 = await openTimeline(path, { clock: fakeClock(), redactor: createRedactor(), create: false });
    const e = await w2.append(note('after the crash'));
    await w2.seal(unsigned);
    await w2.close();
    expect(e).toMatchObject({ seq: 2, prev: sha(whole[1] as string) });
    expect(readFileSync(`${path}.torn-1`, 'utf8')).toBe('{"v":1,"seq":2,"ts":"2026-11-28T03:00:0');
    expect(await verifyTimeline(path, { env })).toMatchObject({ ok: true, events: 4 });
  });
});

describe('verify names the first line that does not match, and why', () => {
  const cases: Array<[string, (l: string[]) => string[], ProblemKind, number]> = [
    ['a byte of output edited', (l) => l.map((x, i) => (i === 4 ? x.replace('50G', '51G') : x)), 'changed', 5],
    ['a line deleted', (l) => l.filter((_, i) => i !== 5), 'removed', 6],
    ['two lines swapped', (l) => [...l.slice(0, 3), l[4], l[3], ...l.slice(5)] as string[], 'reordered', 4],
    ['a line inserted', (l) => [...l.slice(0, 7), l[7]?.replace('disk is fine', 'all good') as string, ...l.slice(7)], 'inserted', 8],
    ['the seal cut off', (l) => l.slice(0, 10), 'truncated', 11],
    ['the run’s end and seal cut off', (l) => l.slice(0, 7), 'not-sealed', 7],
    ['a line appended after the seal by hand', (l) => [...l, '{"v":1,"seq":11,"ts":"2026-11-28T04:00:00.000Z","mono_ms":1,"type":"note","text":"x","actor":"m"}'], 'appended', 12],
    ['a blank line inserted', (l) => [...l.slice(0, 2), '', ...l.slice(2)], 'inserted', 3],
    ['a line that is not an event', (l) => [...l.slice(0, 2), 'garbage', ...l.slice(2)], 'damaged', 3],
  ];
  let base: string[] = [];
  beforeAll(async () => {
    base = linesOf(await sealedRun(tempDir()));
  });

  it.each(cases)('%s', async (_name, tamper, kind, line) => {
    const path = join(tempDir(), 'x.jsonl');
    rewrite(path, tamper(base));
    const r = await verifyTimeline(path, { env });
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ kind, line });
    expect(r.problem?.message).toContain(`line ${line}`);
  });

  it('a note appended after the seal by runbook itself keeps the chain but is named; sealing again covers it', async () => {
    const dir = tempDir();
    const path = await sealedRun(dir);
    const w = await openTimeline(path, { clock: fakeClock(), redactor: createRedactor(), create: false });
    await w.append(note('a reviewer adds this'));
    const r = await verifyTimeline(path, { env });
    expect(r).toMatchObject({ ok: false, chain: 'intact', problem: { kind: 'appended', line: 12 } });
    await w.seal(unsigned);
    await w.close();
    expect(await verifyTimeline(path, { env })).toMatchObject({ ok: true, events: 13, seal: { line: 13 } });
  });

  it('a timeline written before the chain still reads, and verify says it carries none', async () => {
    const path = join(tempDir(), 'old.jsonl');
    rewrite(path, base.slice(0, 10).map((l) => l.replace(/,"prev":"[0-9a-f]{64}"/, '')));
    expect(await verifyTimeline(path, { env })).toMatchObject({ ok: false, chain: 'none', problem: { kind: 'no-chain' } });
  });

  // Lines before the chain are read from their envelope and hashed only when something needs their hash.
  const unchained = (): string[] => base.slice(0, 10).map((l) => l.replace(/,"prev":"[0-9a-f]{64}"/, ''));

  it('before the chain: events are counted, and the head is the hash of the last line', async () => {
    const path = join(tempDir(), 'old.jsonl');
    const lines = unchained();
    rewrite(path, lines);
    expect(await verifyTimeline(path, { env })).toMatchObject({ events: 10, head: sha(lines[9] as string), chain: 'none' });
  });

  it('before the chain: a missing seq is still named', async () => {
    const path = join(tempDir(), 'old.jsonl');
    const lines = unchained();
    rewrite(path, [...lines.slice(0, 4), ...lines.slice(5)]);
    expect(await verifyTimeline(path, { env })).toMatchObject({ ok: false, problem: { kind: 'removed', line: 5 } });
  });

  it('a chain that starts after old lines must start from the hash of the last old line', async () => {
    const old = unchained().slice(0, 5);
    // The chained part as a resumed run writes it: its first prev is the hash of the last old line.
    let prev = sha(old[4] as string);
    const rest = base.slice(5, 10).map((l) => {
      const out = l.replace(/"prev":"[0-9a-f]{64}"/, `"prev":"${prev}"`);
      prev = sha(out);
      return out;
    });
    const path = join(tempDir(), 'resumed.jsonl');
    rewrite(path, [...old, ...rest]);
    expect(await verifyTimeline(path, { env })).toMatchObject({ chain: 'none', events: 10, head: prev, problem: { kind: 'no-chain', message: expect.stringContaining('it starts at line 6') } });
    // An old line changed just before the chain starts breaks it.
    rewrite(path, [...old.slice(0, 4), (old[4] as string).replace('"mono_ms":', '"x":1,"mono_ms":'), ...rest]);
    const r = await verifyTimeline(path, { env });
    expect(r.chain).toBe('broken');
  });
});

const hasSshKeygen = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

describe.skipIf(!hasSshKeygen)('signed seals (real ssh-keygen, keys made in the test folder)', () => {
  const dir = tempDir('runbook-keys-');
  const keygen = (name: string, comment: string, passphrase = ''): string => {
    const key = join(dir, name);
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', comment, '-f', key], { stdio: 'ignore' });
    expect(r.status).toBe(0);
    return key;
  };
  const allowed = (name: string, principal: string, key: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `${principal} ${readFileSync(`${key}.pub`, 'utf8')}`);
    return file;
  };
  const sealerWith = (key: string, notices: string[] = []) => sshSealer({ key: { path: key, explicit: true }, actor: 'alice', env, notice: (l) => notices.push(l) });

  it('verifies against an allowed_signers file that lists the key, and is refused by one that lists another', async () => {
    const alice = keygen('alice', 'alice@example.com');
    const mallory = keygen('mallory', 'mallory@example.com');
    const path = await sealedRun(tempDir(), sealerWith(alice));
    const seal = JSON.parse(linesOf(path)[10] as string);
    expect(seal.signature).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
    expect(seal).toMatchObject({ signer: 'alice@example.com', key: expect.stringMatching(/^SHA256:/) });

    const good = await verifyTimeline(path, { env, allowedSigners: allowed('good', 'alice@example.com', alice) });
    expect(good).toMatchObject({ ok: true, seal: { signed: true, signer: 'alice@example.com', checked: 'allowed-signers' } });
    const other = await verifyTimeline(path, { env, allowedSigners: allowed('other', 'mallory@example.com', mallory) });
    expect(other).toMatchObject({ ok: false, problem: { kind: 'signature', line: 11 } });
    expect(other.problem?.message).toMatch(/signed with key SHA256:\S+, which .* does not allow/);
    // Without an allowed_signers file the signature is still checked, for the key inside it.
    expect(await verifyTimeline(path, { env })).toMatchObject({ ok: true, seal: { checked: 'key-only' } });
  });

  it('a chain rewritten consistently without the key is caught by the signature alone', async () => {
    const alice = keygen('alice2', 'alice@example.com');
    const path = await sealedRun(tempDir(), sealerWith(alice));
    const forged = rechain(linesOf(path).map((l, i) => (i === 4 ? l.replace('50G', '99G') : l)));
    rewrite(path, forged);
    const r = await verifyTimeline(path, { env, allowedSigners: allowed('good2', 'alice@example.com', alice) });
    expect(r).toMatchObject({ ok: false, chain: 'intact', problem: { kind: 'signature', line: 11 } });
    // Dropping the signature instead does not help when a signature is required.
    rewrite(path, forged.map((l, i) => (i === 10 ? l.replace(/"signature":"[^"]*"/, '"signature":null') : l)));
    const unsignedNow = await verifyTimeline(path, { env, allowedSigners: join(dir, 'good2') });
    expect(unsignedNow).toMatchObject({ ok: false, problem: { kind: 'signature' } });
  });

  it('a key with a passphrase and no agent: no prompt, no hang; the seal is written unsigned and the notice says why', async () => {
    const locked = keygen('locked', 'bob@example.com', 'secret words');
    const notices: string[] = [];
    const t0 = Date.now();
    const path = await sealedRun(tempDir(), sshSealer({ key: { path: locked, explicit: false }, actor: 'bob', env: { ...env, SSH_AUTH_SOCK: '' }, notice: (l) => notices.push(l) }));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(notices).toEqual([expect.stringMatching(/the seal is not signed: .*locked needs a passphrase and no ssh-agent offers it/)]);
    expect(await verifyTimeline(path, { env })).toMatchObject({ ok: true, seal: { signed: false } });
  });
});
