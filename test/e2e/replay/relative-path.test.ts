// replay and export read a relative timeline path from where the command was run (as verify and drill do),
// not from wherever the process happens to be: checked in-process, where the two differ.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/in-process.js';
import { ROOT, workDir } from '../../helpers/run-cli.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'timelines', 'disk-full-completed.jsonl');

describe('a relative timeline path', () => {
  it('is read from the command’s directory by replay and export, and shown as typed', async () => {
    const w = workDir();
    copyFileSync(FIXTURE, w.path('t.jsonl'));
    expect(process.cwd()).not.toBe(w.dir);
    const replay = await runInProcess(['replay', 't.jsonl', '--instant'], { cwd: w.dir });
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('t.jsonl');
    const md = await runInProcess(['export', 't.jsonl', '--format', 'markdown'], { cwd: w.dir });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('disk-full');
    const missing = await runInProcess(['replay', 'nope.jsonl', '--instant'], { cwd: w.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`runbook: cannot read timeline ${join(w.dir, 'nope.jsonl')}: ENOENT: no such file or directory\n`);
  });
});
