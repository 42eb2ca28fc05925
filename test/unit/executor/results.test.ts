// What a finished command reports: exit codes, signals, spawn failures, its environment and stdin.
import { mkdtempSync, existsSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultShell } from '../../../src/adapters/executor.js';
import { capture, request, startingWays } from './helpers.js';

describe.each(startingWays({ graceMs: 500 }))('$way', ({ way, executor, launched }) => {
  afterAll(() => {
    if (way.startsWith('through the launcher')) expect(launched()).toBeGreaterThan(0);
  });

  describe('exit status', () => {
    it('reports the exit code, no signal, and a duration', async () => {
      const r = await executor.run(request('exit 3'), () => {});
      expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, interrupted: false });
      expect(r.spawnError).toBeUndefined();
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('reports success as 0', async () => {
      expect((await executor.run(request('true'), () => {})).exitCode).toBe(0);
    });

    it('reports a command killed by a signal with the signal name and a null exit code', async () => {
      const r = await executor.run(request('kill -USR1 $$; sleep 5'), () => {});
      expect(r).toMatchObject({ exitCode: null, signal: 'SIGUSR1', timedOut: false, interrupted: false });
    });

    it('runs the script with the requested shell and in the requested cwd', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'exec-cwd-'));
      const out = capture();
      const r = await executor.run(request('pwd; echo "$0"', { cwd: dir, shell: 'sh' }), out.listener);
      expect(r.exitCode).toBe(0);
      expect(out.text('stdout')).toBe(`${dir}\nsh\n`);
    });
  });

  describe('commands that cannot start', () => {
    it('resolves with a spawnError for a missing cwd, never throws', async () => {
      const missing = join(tmpdir(), 'runbook-no-such-dir-' + process.pid);
      const r = await executor.run(request('echo never', { cwd: missing }), () => {});
      expect(r.exitCode).toBeNull();
      expect(r.signal).toBeNull();
      expect(r.spawnError).toBe(`working directory does not exist: ${missing}`);
    });

    it('resolves with a spawnError for a cwd that is a file', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'exec-file-')), 'f');
      writeFileSync(file, '');
      const r = await executor.run(request('true', { cwd: file }), () => {});
      expect(r.spawnError).toMatch(/^working directory is not a directory: /);
    });

    it('resolves with a spawnError for a missing shell, and no output of its own', async () => {
      const out = capture();
      const r = await executor.run(request('echo never', { shell: '/nonexistent/zsh' }), out.listener);
      expect(r.exitCode).toBeNull();
      expect(r.spawnError).toBe('shell not found: /nonexistent/zsh');
      expect(out.chunks).toEqual([]);
    });

    it('resolves with a spawnError for a shell that is not executable', async () => {
      const shell = join(mkdtempSync(join(tmpdir(), 'exec-sh-')), 'notexec');
      writeFileSync(shell, '#!/bin/sh\n');
      chmodSync(shell, 0o644);
      const r = await executor.run(request('true', { shell }), () => {});
      expect(r.spawnError).toBe(`shell is not executable: ${shell}`);
    });

    it('does not start a command whose signal is already aborted', async () => {
      const marker = join(mkdtempSync(join(tmpdir(), 'exec-abort-')), 'ran');
      const ac = new AbortController();
      ac.abort('interrupt');
      const r = await executor.run(request(`touch ${marker}`, { signal: ac.signal }), () => {});
      expect(r).toMatchObject({ exitCode: null, interrupted: true });
      expect(r.spawnError).toMatch(/not started/);
      expect(existsSync(marker)).toBe(false);
    });

    it('does not start a command aborted while it was being prepared', async () => {
      const marker = join(mkdtempSync(join(tmpdir(), 'exec-abort-')), 'ran');
      const ac = new AbortController();
      const running = executor.run(request(`touch ${marker}`, { signal: ac.signal }), () => {});
      ac.abort('stop'); // synchronously after run(): before any spawn could have happened
      const r = await running;
      expect(r).toMatchObject({ exitCode: null, interrupted: false });
      expect(r.spawnError).toMatch(/not started/);
      expect(existsSync(marker)).toBe(false);
    });
  });

  describe('environment', () => {
    it('is exactly the env passed: nothing leaks from the runner', async () => {
      process.env['RUNBOOK_EXECUTOR_LEAK'] = 'leaked';
      try {
        const out = capture();
        const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ONLY_THIS: 'yes' };
        await executor.run(request('env', { env, shell: 'sh' }), out.listener);
        const names = out
          .text('stdout')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('=')[0]);
        expect(out.text('stdout')).toContain('ONLY_THIS=yes\n');
        expect(names).not.toContain('RUNBOOK_EXECUTOR_LEAK');
        expect(names).not.toContain('HOME');
        // dash adds PWD itself; nothing else may appear.
        expect(names.filter((n) => n !== 'PWD').sort()).toEqual(['ONLY_THIS', 'PATH']);
      } finally {
        delete process.env['RUNBOOK_EXECUTOR_LEAK'];
      }
    });
  });

  describe('file descriptors', () => {
    it('the command gets stdin, stdout and stderr only (bash keeps a high one of its own)', async () => {
      const out = capture();
      // `; :` keeps bash from exec-ing ls in its place: ls lists the shell's descriptors, not its own.
      const r = await executor.run(request('ls /proc/$$/fd; :'), out.listener);
      expect(r.exitCode).toBe(0);
      const fds = out.text('stdout').split('\n').filter(Boolean).map(Number);
      expect(fds.filter((fd) => fd < 200).sort((a, b) => a - b)).toEqual([0, 1, 2]);
    });
  });

  describe('stdin', () => {
    it('is /dev/null: cat and read finish at once instead of waiting for the terminal', async () => {
      const out = capture();
      const r = await executor.run(request('cat; read x || echo "eof"; cat -', { timeoutMs: 10_000 }), out.listener);
      expect(r).toMatchObject({ exitCode: 0, timedOut: false });
      expect(out.text('stdout')).toBe('eof\n');
    });
  });
});

describe('defaultShell', () => {
  it('is the absolute path of bash when an executable bash is on PATH (resolved once, not per command)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-bash-'));
    writeFileSync(join(dir, 'bash'), '#!/bin/sh\n');
    chmodSync(join(dir, 'bash'), 0o755);
    expect(defaultShell(`/nonexistent:${dir}`)).toBe(join(dir, 'bash'));
  });

  it('skips a bash that is not executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-bash-'));
    writeFileSync(join(dir, 'bash'), '');
    chmodSync(join(dir, 'bash'), 0o644);
    expect(defaultShell(dir)).toBe('/bin/sh');
  });

  it('is the sh on PATH when bash is not there, else /bin/sh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-sh-'));
    writeFileSync(join(dir, 'sh'), '#!/bin/sh\n');
    chmodSync(join(dir, 'sh'), 0o755);
    expect(defaultShell(dir)).toBe(join(dir, 'sh'));
    expect(defaultShell(mkdtempSync(join(tmpdir(), 'exec-nobash-')))).toBe('/bin/sh');
    expect(defaultShell('')).toBe('/bin/sh');
  });
});
