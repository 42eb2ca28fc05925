// The command launcher (src/adapters/launcher.ts): which commands it takes, that values reach them byte for
// byte, that nothing of it outlives its use, and that the runner survives losing it. The executor's own
// guarantees are tested through it as well (test/unit/executor/*, "through the launcher").
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExecutor } from '../../../src/adapters/executor.js';
import { createLauncher, launchRequest, launcherArgs, launcherPrograms, type Launcher, type LauncherProgram } from '../../../src/adapters/launcher.js';
import { LAUNCHER_PY } from '../../../src/adapters/launcher-python.js';
import { LAUNCHER_PL } from '../../../src/adapters/launcher-script.js';
import { capture, isRunning, launcherProgramsUnderTest, request, sleep } from '../executor/helpers.js';
import { until } from '../../helpers/run-cli.js';

const comm = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'gone';
  }
};

const PROGRAMS = launcherProgramsUnderTest();
const python = PROGRAMS.find((p) => p.kind === 'python') as LauncherProgram;
const perl = PROGRAMS.find((p) => p.kind === 'perl') as LauncherProgram;
/** What /proc/<pid>/comm says of a launcher running `prog`. */
const commOf = (prog: LauncherProgram): string => (prog.kind === 'python' ? 'python3' : 'perl');

/** Runs `echo $PPID` and returns the parent of the command's shell. */
async function parentOf(run: ReturnType<typeof createExecutor>['run']): Promise<number> {
  const out = capture();
  const r = await run(request('echo $PPID'), out.listener);
  expect(r.exitCode).toBe(0);
  return Number(out.text('stdout').trim());
}

describe('which commands the launcher starts', () => {
  it('not the first two commands of a run (a one-command run never starts it); once ready, each is its child, not the runner\'s', async () => {
    const launcher = createLauncher();
    const executor = createExecutor({ launcher });
    expect(await parentOf(executor.run)).toBe(process.pid);
    expect(launcher.ready()).toBe(false);
    // The second starts it, and goes directly itself; so does any command before it is ready.
    expect(await parentOf(executor.run)).toBe(process.pid);
    await until(() => launcher.ready(), 5000, 'the launcher is ready');
    const third = await parentOf(executor.run);
    expect(third).not.toBe(process.pid);
    expect(comm(third)).toBe('python3'); // python3 first, where there is one
    expect(await parentOf(executor.run)).toBe(third); // one launcher for the run
    expect(launcher.launched()).toBe(2);
  });

  it('none without an interpreter: every command is spawned by the runner', async () => {
    const launcher = createLauncher({ programs: [] });
    const executor = createExecutor({ launcher });
    for (let i = 0; i < 3; i++) expect(await parentOf(executor.run)).toBe(process.pid);
    expect(launcher.launched()).toBe(0);
  });

  it('none with RUNBOOK_NO_LAUNCHER=1', async () => {
    process.env['RUNBOOK_NO_LAUNCHER'] = '1';
    try {
      const launcher = createLauncher();
      const executor = createExecutor({ launcher });
      for (let i = 0; i < 3; i++) expect(await parentOf(executor.run)).toBe(process.pid);
    } finally {
      delete process.env['RUNBOOK_NO_LAUNCHER'];
    }
  });

  it('a program that dies before it is ready (a Python older than 3.8, a perl without POSIX) is tried once, then the next one; with none left every command goes directly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launcher-broken-'));
    const starts = join(dir, 'starts');
    const broken = join(dir, 'python3');
    writeFileSync(broken, `#!/bin/sh\necho started >> '${starts}'\nexit 3\n`);
    chmodSync(broken, 0o755);
    const alone = createExecutor({ launcher: createLauncher({ programs: [{ kind: 'python', path: broken }] }) });
    for (let i = 0; i < 3; i++) expect(await parentOf(alone.run)).toBe(process.pid);
    await until(() => existsSync(starts), 5000, 'the broken launcher was started');
    await sleep(200); // it has exited by now (it exits at once); the next commands must not start it again
    for (let i = 0; i < 3; i++) expect(await parentOf(alone.run)).toBe(process.pid);
    expect(readFileSync(starts, 'utf8')).toBe('started\n');
    // With perl after it: perl takes over.
    const launcher = createLauncher({ programs: [{ kind: 'python', path: broken }, perl] });
    const executor = createExecutor({ launcher });
    for (let i = 0; i < 2; i++) expect(await parentOf(executor.run)).toBe(process.pid);
    await until(() => readFileSync(starts, 'utf8') === 'started\nstarted\n', 5000, 'the broken launcher was started again, once');
    let parent = process.pid;
    for (let i = 0; i < 50 && parent === process.pid; i++) if ((parent = await parentOf(executor.run)) === process.pid) await sleep(100);
    expect(comm(parent)).toBe('perl');
    expect(readFileSync(starts, 'utf8')).toBe('started\nstarted\n');
  });

  it('python3 only when it is a program: a version manager\'s shim (a script) is passed over; RUNBOOK_LAUNCHER picks one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'launcher-path-'));
    const [shims, real, bin] = ['shims', 'real', 'bin'].map((d) => join(dir, d)) as [string, string, string];
    for (const d of [shims, real, bin]) mkdirSync(d);
    writeFileSync(join(shims, 'python3'), '#!/bin/sh\nexec /usr/bin/env python3 "$@"\n', { mode: 0o755 });
    symlinkSync(python.path, join(real, 'python3'));
    symlinkSync(perl.path, join(bin, 'perl'));
    const PATH = [shims, real, bin].join(':');
    expect(launcherPrograms({ PATH })).toEqual([{ kind: 'python', path: join(real, 'python3') }, { kind: 'perl', path: join(bin, 'perl') }]);
    expect(launcherPrograms({ PATH: [shims, bin].join(':') })).toEqual([{ kind: 'perl', path: join(bin, 'perl') }]);
    expect(launcherPrograms({ PATH, RUNBOOK_LAUNCHER: 'perl' })).toEqual([{ kind: 'perl', path: join(bin, 'perl') }]);
    expect(launcherPrograms({ PATH, RUNBOOK_LAUNCHER: 'python' })).toEqual([{ kind: 'python', path: join(real, 'python3') }]);
    expect(launcherPrograms({ PATH, RUNBOOK_NO_LAUNCHER: '1' })).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('never an interactive command, nor one fed on stdin', async () => {
    const launcher = createLauncher({ startAt: 1, always: true });
    const executor = createExecutor({ launcher });
    const out = capture();
    const r = await executor.run(request('read x; echo "$x $PPID"', { stdin: Buffer.from('fed\n') }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe(`fed ${process.pid}\n`);
    expect(launcher.launched()).toBe(0);
  });
});

for (const prog of PROGRAMS)
describe(`values through the launcher (${prog.kind})`, () => {
  const launcher = createLauncher({ programs: [prog], startAt: 1, always: true });
  const executor = createExecutor({ launcher });

  it('an environment value reaches the command byte for byte, never as shell text', async () => {
    const value = `$(touch /tmp/pwned-${process.pid}); \`id\` "q" 'q' a=b\nsecond line é ✓ \t\\`;
    const out = capture();
    const r = await executor.run(request('printf %s "$V"', { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', V: value } }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe(value);
    expect(existsSync(`/tmp/pwned-${process.pid}`)).toBe(false);
  });

  it('argv (a program given as argv, as ssh is) arrives as separate arguments, empty ones included', async () => {
    const out = capture();
    const r = await executor.run(request('', { argv: ['printf', '[%s]', 'a b', '$(id)', '', 'é;|&'] }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('[a b][$(id)][][é;|&]');
    expect(launcher.launched()).toBe(2);
  });

  it('a trailing empty argument arrives, with an empty environment too', async () => {
    const out = capture();
    const r = await executor.run(request('', { argv: ['/usr/bin/printf', '[%s]', 'a', ''], env: {} }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('[a][]');
  });

  it('a value holding a NUL byte is not sent to it: the direct path reports it, as before', async () => {
    const r = await executor.run(request('true', { env: { PATH: '/usr/bin:/bin', V: 'a\0b' } }), () => {});
    expect(r.spawnError).toBe('the command or its environment holds a NUL byte');
    expect(launcher.launched()).toBe(3);
  });

  it('the session dump (fd 3) is not read while the command runs: the reader takes it in one go', async () => {
    const slot = await launcher.reserve();
    if (!slot) throw new Error('no slot');
    const script = 'for i in 1 2 3 4 5; do echo "line$i" >&3; sleep 0.02; done';
    const r = slot.launch(['/bin/sh', '-c', script], { cwd: '/', env: { PATH: '/usr/bin:/bin' }, dump: true });
    r.stdout.resume();
    r.stderr.resume();
    const dump = r.stdio[3];
    if (!dump) throw new Error('no dump pipe');
    const chunks: Buffer[] = [];
    dump.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise((resolve) => dump.once('close', resolve));
    await new Promise((resolve) => r.once('exit', resolve));
    expect(chunks).toEqual([]);
    dump.resume();
    await closed;
    expect(chunks.map(String)).toEqual(['line1\nline2\nline3\nline4\nline5\n']);
  });

  it('stdin is /dev/null, open for reading only', async () => {
    const out = capture();
    const r = await executor.run(request('readlink /proc/$$/fd/0; grep -E "^flags" /proc/$$/fdinfo/0'), out.listener);
    expect(r.exitCode).toBe(0);
    const [target, flags] = out.text('stdout').trim().split('\n');
    expect(target).toBe('/dev/null');
    expect(Number.parseInt(flags?.split(/\s+/)[1] ?? 'x', 8) & 3).toBe(0); // O_ACCMODE: O_RDONLY
  });

  it('a program file without a #! line runs through /bin/sh, as execvp does (and Node)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launcher-noexec-'));
    const script = join(dir, 'no-shebang');
    writeFileSync(script, 'echo "ran: $*"\n', { mode: 0o755 });
    const out = capture();
    const r = await executor.run(request('', { argv: [script, 'a b', 'c'] }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('ran: a b c\n');
    const byName = capture();
    const n = await executor.run(request('', { argv: ['no-shebang', 'x'], env: { PATH: `/nonexistent:${dir}` } }), byName.listener);
    expect(n.exitCode).toBe(0);
    expect(byName.text('stdout')).toBe('ran: x\n');
    rmSync(dir, { recursive: true, force: true });
  });

  it('output larger than a pipe, from a command that ends before the runner reads it, arrives whole', async () => {
    const out = capture();
    const r = await executor.run(request("head -c 1000000 /dev/zero | tr '\\0' x"), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('x'.repeat(1_000_000));
  });
});

/** Runs `fn` with TMPDIR pointing at a fresh folder (the launcher makes its private folder there). */
async function inOwnTmp(fn: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'launcher-tmp-'));
  const old = process.env['TMPDIR'];
  process.env['TMPDIR'] = tmp;
  try {
    await fn(tmp);
  } finally {
    if (old === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = old;
  }
}

for (const prog of PROGRAMS)
describe(`its lifetime (${prog.kind})`, () => {
  const make = (o: Parameters<typeof createLauncher>[0] = {}): Launcher => createLauncher({ programs: [prog], startAt: 1, always: true, ...o });

  it('ends when idle, its private folder removed; the next command starts another', async () => {
    await inOwnTmp(async (tmp) => {
      const launcher = make({ idleMs: 100 });
      const executor = createExecutor({ launcher });
      const first = await parentOf(executor.run);
      expect(comm(first)).toBe(commOf(prog));
      expect(readdirSync(tmp).filter((f) => f.startsWith('runbook-launch-'))).toHaveLength(1);
      await until(() => !isRunning(first) && readdirSync(tmp).length === 0, 5000, 'the idle launcher ended and its folder is gone');
      const second = await parentOf(executor.run);
      expect(comm(second)).toBe(commOf(prog));
      expect(second).not.toBe(first);
    });
  });

  it('killed under a running command: the command stays under the runner\'s timeout (by its group), and the next one still runs', async () => {
    await inOwnTmp(async (tmp) => {
      const launcher = make();
      const executor = createExecutor({ launcher, graceMs: 500 });
      const out = capture();
      const running = executor.run(request('echo $PPID; exec sleep 30', { timeoutMs: 1000 }), out.listener);
      await out.waitFor('stdout', '\n');
      const pid = Number(out.text('stdout').trim());
      await sleep(100); // its reply that the command started is sent by now (the case before it: the next test)
      process.kill(pid, 'SIGKILL');
      const r = await running;
      // Its status went with the launcher (and says so); the timeout still took its group down.
      expect(r).toMatchObject({ exitCode: null, signal: null, timedOut: true, statusLost: true });
      await until(() => readdirSync(tmp).length === 0, 5000, 'the dead launcher\'s folder is gone');
      const next = capture();
      expect((await executor.run(request('echo again'), next.listener)).exitCode).toBe(0);
      expect(next.text('stdout')).toBe('again\n');
    });
  });

  /** A launcher running its own program cut short by `cut` (a change of its text), through a wrapper interpreter. */
  const cutLauncher = (cut: (program: string) => string): Launcher => {
    const program = prog.kind === 'perl' ? LAUNCHER_PL : LAUNCHER_PY;
    const changed = cut(program);
    expect(changed).not.toBe(program);
    const dir = mkdtempSync(join(tmpdir(), 'launcher-cut-'));
    writeFileSync(join(dir, 'cut'), changed);
    // A wrapper that runs the cut program instead of the one it is given (its last argument is the folder).
    const args = launcherArgs(prog.kind, dir).slice(0, -2).map((a) => `'${a}'`).join(' ');
    writeFileSync(join(dir, 'interp'), `#!/bin/sh\nfor last; do :; done\nexec '${prog.path}' ${args} "$(cat '${join(dir, 'cut')}')" "$last"\n`);
    chmodSync(join(dir, 'interp'), 0o755);
    return createLauncher({ programs: [{ kind: prog.kind, path: join(dir, 'interp') }], startAt: 1, always: true });
  };
  const PY_STARTED = "reply('P %s %d\\nS %s %d\\n' % (i, proc.pid, i, proc.pid))";
  /** Cut where the launcher has said nothing of a command that runs (see the cases below). */
  const saidNothing = (p: string): string => (prog.kind === 'perl' ? p.replace('reply("P $id $pid\\n");', 'POSIX::_exit(0);') : p.replace(PY_STARTED, 'os._exit(0)'));
  /** A command started by a launcher cut by `cut` is supervised to its timeout, its status lost. */
  const supervisedAfterCut = async (cut: (program: string) => string): Promise<void> => {
    const executor = createExecutor({ launcher: cutLauncher(cut), graceMs: 500 });
    const out = capture();
    // A background child holds the output too: the command is its session, not whichever process holds it.
    const r = await executor.run(request('sleep 30 & echo started; exec sleep 30', { timeoutMs: 1000 }), out.listener);
    expect(out.text('stdout')).toBe('started\n');
    expect(r).toMatchObject({ exitCode: null, signal: null, timedOut: true, statusLost: true });
    expect(r.spawnError).toBeUndefined();
  };

  it.each<[string, (program: string) => string]>([
    [
      // Cut where it would confirm the start (perl: after its fork, before the child's exec is confirmed;
      // python: once subprocess has returned, having said only P).
      'before saying it started: the command is taken as started and supervised',
      (p) => (prog.kind === 'perl' ? p.replace('reply("S $id $pid\\n")', 'POSIX::_exit(0)') : p.replace(PY_STARTED, "reply('P %s %d\\n' % (i, proc.pid)); os._exit(0)")),
    ],
    [
      // The Python launcher's window (seen once beside stress-ng): subprocess has returned and the command
      // runs, but P and S are not yet written. Perl's: after its fork, before P.
      'having said nothing of it: the command is found by its output FIFOs and supervised',
      saidNothing,
    ],
  ])('dead after starting a command, %s', async (_when, cut) => supervisedAfterCut(cut));

  it('dead having said nothing of a command, with TMPDIR through a symbolic link: /proc shows the FIFOs by their real path, and they are found', async () => {
    const real = mkdtempSync(join(tmpdir(), 'launcher-real-'));
    const link = `${real}-link`;
    symlinkSync(real, link);
    await inOwnTmp(async () => {
      process.env['TMPDIR'] = link;
      await supervisedAfterCut(saidNothing);
    });
  });

  it('dead before starting a command: nothing ran, and the runner says it could not tell', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'launcher-none-')), 'ran');
    // Cut as the request arrives, before the command's FIFOs are opened for it.
    const launcher = cutLauncher((p) => (prog.kind === 'perl' ? p.replace('  my @argv = splice(@rest, 0, $argc);', '  POSIX::_exit(0);\n  my @argv = splice(@rest, 0, $argc);') : p.replace('    argc = int(f[3])', '    os._exit(0)\n    argc = int(f[3])')));
    const executor = createExecutor({ launcher, graceMs: 500 });
    const r = await executor.run(request(`: > '${marker}'`), capture().listener);
    expect(r).toMatchObject({ exitCode: null, signal: null });
    expect(r.statusLost).toBeUndefined();
    expect(r.spawnError).toMatch(/the command launcher ended before it said whether the command started/);
    expect(existsSync(marker)).toBe(false);
  });

  it('its runner killed right after asking for a command: it ends, its folder goes with it, the command still runs', async () => {
    // The runner's own clean-up never runs after a SIGKILL; the launcher's next reply then has nowhere to go.
    const dir = mkdtempSync(join(tmpdir(), 'runbook-launch-'));
    const marker = `${dir}-ran`;
    const child = spawn(prog.path, launcherArgs(prog.kind, dir), { stdio: ['pipe', 'pipe', 'ignore'], detached: true, env: {} });
    let replies = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => (replies += d.toString()).includes('F 1\n') && resolve()));
    child.stdout.destroy(); // as the runner's end goes when it is killed
    child.stdin.end(launchRequest(1, ['/bin/sh', '-c', `: > '${marker}'`], { cwd: '/', env: {}, dump: false }));
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(existsSync(dir)).toBe(false);
    await until(() => existsSync(marker), 5000, 'the command it had started ran');
    rmSync(marker);
  });

  if (prog.kind === 'perl')
    it('a command that ends while it is on its way out does not kill it: it still ends through END', () => {
      // As Perl ends it closes the wake pipe's read end and puts SIGPIPE back to its default, and it may still run
      // the SIGCHLD handler for a command that ended meanwhile. A write into that pipe then killed it before END
      // (the test above, once in a CI run). Here that moment is made on purpose, from the launcher's own program.
      // (The Python program's wake-up is written by Python's own C handler, which ignores a closed pipe.)
      const dir = mkdtempSync(join(tmpdir(), 'runbook-launch-'));
      const late = LAUNCHER_PL.replace('reply("H\\n");', 'close $wake_r; $SIG{PIPE} = "DEFAULT"; $SIG{CHLD}->(); exit 0;');
      expect(late).not.toBe(LAUNCHER_PL);
      const r = spawnSync('perl', ['-e', late, dir], { env: {} });
      expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
      expect(existsSync(dir)).toBe(false);
    });

  it('its commands start with no signal blocked, none ignored, SIGPIPE at its default', async () => {
    const out = capture();
    const executor = createExecutor({ launcher: make() });
    const r = await executor.run(request('echo $PPID; grep -E "^Sig(Blk|Ign|Cgt)" /proc/self/status'), out.listener);
    expect(r.exitCode).toBe(0);
    const [ppid, ...masks] = out.text('stdout').trim().split('\n');
    expect(comm(Number(ppid))).toBe(commOf(prog));
    // Python ignores SIGPIPE and SIGXFSZ itself, and handles SIGCHLD; perl handles SIGCHLD and SIGPIPE: none of
    // it reaches the command (grep catches SIGSEGV itself). No signal blocked, none ignored, SIGPIPE not caught.
    const field = (name: string): bigint => BigInt(`0x${masks.find((l) => l.startsWith(`${name}:`))?.split(/\s+/)[1] ?? 'x'}`);
    expect(field('SigBlk')).toBe(0n);
    expect(field('SigIgn')).toBe(0n);
    expect(field('SigCgt') & (1n << 12n)).toBe(0n); // SIGPIPE is 13
  });

  it('a program named without a path is looked up on the command\'s own PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launcher-lookup-'));
    writeFileSync(join(dir, 'hello-from-path'), '#!/bin/sh\necho "found $1"\n', { mode: 0o755 });
    const executor = createExecutor({ launcher: make() });
    const out = capture();
    const r = await executor.run(request('', { argv: ['hello-from-path', 'x'], env: { PATH: `/nonexistent:${dir}` } }), out.listener);
    expect(r.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('found x\n');
    const missing = await executor.run(request('', { argv: ['hello-from-path'], env: { PATH: '/usr/bin:/bin' } }), () => {});
    expect(missing).toMatchObject({ exitCode: null, signal: null });
    expect(missing.spawnError).toBeDefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a slot given back goes to a command already waiting for one', async () => {
    const inner = make();
    await parentOf(createExecutor({ launcher: inner }).run); // ready, with its next slot made
    // The first command takes that slot and holds it until the second is waiting for one; then it gives it
    // back (a NUL byte: it must go the direct way). The second must get it, not wait for the launcher to be
    // stopped as idle (and then go the direct way too).
    let secondWaits = (): void => {};
    const waiting = new Promise<void>((resolve) => (secondWaits = resolve));
    let calls = 0;
    const launcher: Launcher = {
      ...inner,
      async reserve() {
        if (++calls > 1) {
          secondWaits();
          return inner.reserve();
        }
        const slot = await inner.reserve();
        await waiting;
        return slot;
      },
    };
    const executor = createExecutor({ launcher });
    const out = capture();
    const [a, b] = await Promise.all([
      executor.run(request('true', { env: { PATH: '/usr/bin:/bin', V: 'a\0b' } }), () => {}),
      executor.run(request('echo $PPID'), out.listener),
    ]);
    expect(a.spawnError).toBe('the command or its environment holds a NUL byte');
    expect(b.exitCode).toBe(0);
    expect(comm(Number(out.text('stdout').trim()))).toBe(commOf(prog));
  });

  it('a stop that comes before the launcher has said the command started still stops it (SIGINT to its group)', async () => {
    const inner = make();
    const ac = new AbortController();
    // A launcher whose every start is followed at once, before its reply can arrive, by Ctrl-C.
    const launcher: Launcher = {
      ...inner,
      async reserve() {
        const slot = await inner.reserve();
        return slot && { ...slot, launch: (argv, o) => { const r = slot.launch(argv, o); process.nextTick(() => ac.abort('interrupt')); return r; } };
      },
    };
    const executor = createExecutor({ launcher, graceMs: 500 });
    const r = await executor.run(request('exec sleep 60', { signal: ac.signal }), () => {});
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGINT', interrupted: true });
    expect(inner.launched()).toBe(1);
  });
});
