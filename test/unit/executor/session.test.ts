// The executor's half of the shell session: a wrapped command's dump comes back on its private pipe, the
// command's output is untouched, and a background process holding that pipe never holds up the run.
import { afterAll, describe, expect, it } from 'vitest';
import { parseDump } from '../../../src/runner/session-state.js';
import { capture, request, startingWays } from './helpers.js';


describe.each(startingWays({ pipeQuietMs: 200, pipeCapMs: 1000 }))('$way', ({ way, executor: exec, launched }) => {
  afterAll(() => {
    if (way.startsWith('through the launcher')) expect(launched()).toBeGreaterThan(0);
  });

  describe('session dump', () => {
    it('returns the state a successful command left, with its output as written', async () => {
      const out = capture();
      const r = await exec.run(request('echo hi; export POD=api-1; cd /', { sessionDump: true }), out.listener);
      expect(r.exitCode).toBe(0);
      expect(out.text('stdout')).toBe('hi\n');
      const st = parseDump(r.sessionDump as Buffer);
      expect(st?.env.get('POD')?.toString()).toBe('api-1');
      expect(st?.cwd.toString()).toBe('/');
    });

    it('a dump larger than the pipe holds (the pipe is read only after the exit, or once the command has run a while) still comes back whole', async () => {
      const r = await exec.run(request('export BIG=$(head -c 100000 /dev/zero | tr "\\0" x)', { sessionDump: true }), capture().listener);
      expect(r.exitCode).toBe(0);
      expect(parseDump(r.sessionDump as Buffer)?.env.get('BIG')?.length).toBe(100000);
    });

    it('returns none for a failure, and none unless asked', async () => {
      const failed = await exec.run(request('export POD=x; exit 3', { sessionDump: true }), capture().listener);
      expect([failed.exitCode, failed.sessionDump]).toEqual([3, undefined]);
      const plain = await exec.run(request('export POD=x'), capture().listener);
      expect([plain.exitCode, plain.sessionDump]).toEqual([0, undefined]);
    });

    it('does not wait for a background process that holds the pipe, after a success or a failure', async () => {
      const t0 = Date.now();
      const ok = await exec.run(request('sleep 10 >/dev/null 2>&1 & export A=1', { sessionDump: true }), capture().listener);
      expect(parseDump(ok.sessionDump as Buffer)?.env.get('A')?.toString()).toBe('1');
      const bad = await exec.run(request('sleep 10 >/dev/null 2>&1 & false', { sessionDump: true }), capture().listener);
      expect(bad.exitCode).toBe(1);
      // Each settles at its exit (plus at most the pipe cap), far below the 10 s the sleeps hold the pipe.
      expect(Date.now() - t0).toBeLessThan(9_000);
    });
  });

  describe('session dump of an interactive command', () => {
    it('comes back on fd 3 while the command has the terminal', async () => {
      const r = await exec.run(request('export TTY_OK=1', { sessionDump: true, interactive: true, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SHLVL: '1' } }), capture().listener);
      expect(r.exitCode).toBe(0);
      expect(parseDump(r.sessionDump as Buffer)?.env.get('TTY_OK')?.toString()).toBe('1');
    });
  });
});
