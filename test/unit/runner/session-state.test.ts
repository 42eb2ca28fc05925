// The session state's contract: the wrapper's dump reaches the runner byte for byte (every value, newlines,
// quotes, `=`, non-UTF-8), the command's own output is untouched, failures and `exec` leave no dump, and the
// diff names what changed. Property cases run batched: one bash process for hundreds of them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultShell } from '../../../src/adapters/shell.js';
import {
  diffStates,
  dumpEnd,
  encodeRestore,
  formatDiff,
  launchFor,
  nextState,
  parseDump,
  RESTORE_VAR,
  stateFromEnv,
  wrapScript,
  type SessionState,
} from '../../../src/runner/session-state.js';

const BASH = defaultShell();
const tmp = mkdtempSync(join(tmpdir(), 'runbook-session-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `script` wrapped, with fd 3 a pipe into stdout's capture kept apart: returns output and dump. */
function runWrapped(script: string, state: SessionState): { status: number | null; stdout: Buffer; stderr: Buffer; dump: Buffer } {
  const { env, cwd } = launchFor(state);
  const r = spawnSync(BASH, ['-c', wrapScript(script, { dumpFd: 3 })], { env, cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const out = r.output as unknown as Buffer[];
  return { status: r.status, stdout: out[1] as Buffer, stderr: out[2] as Buffer, dump: out[3] as Buffer };
}

const base = (): SessionState => stateFromEnv({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmp, KEEP: 'k' }, tmp);

// Names that are not bash's own (BASH*, SHLVL, …) and not the wrapper's.
const nameArb = fc.stringMatching(/^V[A-Za-z0-9_]{0,10}$/);
const valueArb = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((a) => Buffer.from(a.map((b) => (b === 0 ? 1 : b))));
const special = ['a\nb', "it's", '"q"', 'a=b=c', '$(id)`id`', '\\', ' lead', 'trail ', '*', '-n', '%s%b\\x41', '\t\r', '\u00e9\u{1F600}'].map((s) => Buffer.from(s));

describe('wrapper → dump → parse', () => {
  it('carries every byte value exactly, through RESTORE_VAR (non-UTF-8) and through the environment (UTF-8)', () => {
    const cases = [
      ...special.map((v, i) => [`VS${i}`, v] as [string, Buffer]),
      [`VFF`, Buffer.from([0xff, 0xfe, 0x0a, 0x80])] as [string, Buffer],
      ...fc.sample(fc.tuple(nameArb, valueArb), { numRuns: 80, seed: 15 }),
    ];
    // One bash, each case in a subshell restoring its value from data (a line of stdin) and dumping it.
    const driver = `while IFS= read -r line; do ( export ${RESTORE_VAR}="$line"; unset -v line; eval "$W" ) 3>&1; done`;
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SHLVL: '1', W: wrapScript('true', { dumpFd: 3 }) };
    const input = cases.map(([n, v]) => `${encodeRestore({ set: [[n, v]] })}\n`).join('');
    const r = spawnSync(BASH, ['-c', driver], { env, cwd: tmp, input, maxBuffer: 64 * 1024 * 1024 });
    expect(r.stderr.toString()).toBe('');
    let rest = r.stdout;
    for (const [n, v] of cases) {
      const end = dumpEnd(rest);
      expect(end).toBeGreaterThan(0);
      const st = parseDump(rest.subarray(0, end));
      rest = rest.subarray(end);
      expect({ n, v: st?.env.get(n)?.toString('hex') }).toEqual({ n, v: v.toString('hex') });
    }
    expect(rest.length).toBe(0);

    // The local path: one process started from a state holding all the values at once (launchFor).
    const state = base();
    const all = new Map(state.env);
    for (const [n, v] of cases) all.set(n, v);
    const one = runWrapped('true', { env: all, cwd: state.cwd });
    const got = parseDump(one.dump);
    for (const [n, v] of all) expect({ n, v: got?.env.get(n)?.toString('hex') }).toEqual({ n, v: v.toString('hex') });
  }, 120_000); // ~2 s idle: one subshell per case

  it('leaves stdout and stderr exactly as the command wrote them, even under set -x', () => {
    const script = 'printf "out\\n"; echo err >&2; set -x; export A=1';
    const r = runWrapped(script, base());
    const bare = spawnSync(BASH, ['-c', script], { env: launchFor(base()).env, cwd: tmp });
    expect(r.stdout.toString()).toBe('out\n');
    expect(r.stderr.toString()).toBe(bare.stderr.toString());
    expect(r.stderr.toString()).toMatch(/^err\n\+ export A=1\n/);
    expect(parseDump(r.dump)?.env.get('A')?.toString()).toBe('1');
  });

  it('carries export, unset and cd; not functions, aliases or plain variables', () => {
    const dir = join(tmp, "we ird\n'dir");
    spawnSync('mkdir', ['-p', dir]);
    const r = runWrapped(`export NEW=1; unset KEEP; f() { :; }; export -f f; PLAIN=2; cd $'we ird\\n\\'dir'`, base());
    const st = parseDump(r.dump);
    expect(st).toBeDefined();
    const next = nextState(base(), st as SessionState);
    expect(next.env.get('NEW')?.toString()).toBe('1');
    expect(next.env.has('KEEP')).toBe(false);
    expect(next.env.has('PLAIN')).toBe(false);
    expect(next.cwd.toString()).toBe(dir);
    expect(formatDiff(diffStates(base(), next))).toBe(`env: +NEW, -KEEP · cwd: ${dir}`);
    // And the next command starts there, in a directory whose name has a newline and a quote.
    expect(runWrapped('pwd', next).stdout.toString()).toBe(`${dir}\n`);
  });

  it('writes nothing after a failure, `exit 3`, set -e, or when the command execs another program', () => {
    expect(runWrapped('export A=1; false', base()).dump.length).toBe(0);
    const e = runWrapped('export A=1; exit 3', base());
    expect([e.status, e.dump.length]).toEqual([3, 0]);
    const s = runWrapped('set -e; export A=1; false; echo never', base());
    expect([s.status, s.stdout.toString(), s.dump.length]).toEqual([1, '', 0]);
    const x = runWrapped('export A=1; exec sh -c "echo from exec"', base());
    expect([x.status, x.stdout.toString(), x.dump.length]).toEqual([0, 'from exec\n', 0]);
    // set -eu in a command that succeeds does not break the dump
    expect(parseDump(runWrapped('set -eu; export A=2', base()).dump)?.env.get('A')?.toString()).toBe('2');
  });

  it('keeps fd 3 free for the command and reports an error line number as written', () => {
    const r = runWrapped('exec 3>/dev/null; echo ok >&3; export B=1\nnosuchcommand_xyz', base());
    expect(r.stderr.toString()).toMatch(/line 2: nosuchcommand_xyz/);
    const ok = runWrapped('exec 3>/dev/null; export B=1', base());
    expect(parseDump(ok.dump)?.env.get('B')?.toString()).toBe('1');
  });

  it('does not carry what bash sets itself, and keeps names bash cannot hold', () => {
    const prev = stateFromEnv({ SHLVL: '1', 'BASH_FUNC_f%%': '() { :; }', PATH: '/bin' }, '/');
    const dumped = stateFromEnv({ SHLVL: '2', _: '/bin/true', PATH: '/bin' }, '/');
    const n = nextState(prev, dumped);
    expect(n.env.get('SHLVL')?.toString()).toBe('1');
    expect(n.env.has('_')).toBe(false);
    expect(n.env.get('BASH_FUNC_f%%')?.toString()).toBe('() { :; }');
    expect(diffStates(prev, n)).toEqual({ added: [], changed: [], removed: [] });
  });

  it('rejects what is not one complete dump', () => {
    expect(parseDump(Buffer.from('RBSTATE2\0/tmp\0declare -x A="1"\n'))).toBeUndefined();
    expect(parseDump(Buffer.from('garbage\0\0\0'))).toBeUndefined();
    expect(parseDump(Buffer.from('RBSTATE2\0/tmp\0noequals\n\0'))).toBeUndefined();
    expect(parseDump(Buffer.from('RBSTATE2\0\0\0'))).toBeUndefined();
    expect(parseDump(Buffer.from('RBSTATE2\0/tmp\0declare -x A="1"\n\0'))?.env.get('A')?.toString()).toBe('1');
    expect(parseDump(Buffer.from('RBSTATE2\0/tmp\0\0'))?.cwd.toString()).toBe('/tmp');
  });
});
