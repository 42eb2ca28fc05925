import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeTimeline } from '../../../src/timeline/status.js';
import { readTimeline } from '../../../src/timeline/reader.js';
import { FIXTURES, runNode, runbook } from './cli.js';
import { tempDir } from '../../unit/timeline/helpers.js';

const FIXTURE = join(FIXTURES, 'append-loop.mjs');

function seqsOf(text: string): number[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { seq: number }).seq);
}

describe('a writer killed with SIGKILL while streaming output', () => {
  it('leaves every line but the last intact, seq contiguous, and the run interrupted', async () => {
    const path = join(tempDir(), 'killed.jsonl');
    const child = spawn(process.execPath, [FIXTURE, path, 'output', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.on('close', () => resolve());
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    clearTimeout(guard);

    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const complete = text.endsWith('\n') ? lines.slice(0, -1) : lines.slice(0, -1);
    expect(complete.length).toBeGreaterThan(200);
    const seqs = complete.map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(existsSync(`${path}.owner`)).toBe(true); // left behind by the dead runner…
    const summary = await summarizeTimeline(path);
    expect(summary.status).toBe('interrupted'); // …but its pid is dead
    expect(summary.events).toBe(seqs.length);

    // The reader never throws on it, and a note afterwards starts on a clean line.
    for await (const item of readTimeline(path)) if (item.kind === 'problem') expect(item.torn).toBe(true);
    const r = await runbook(['note', 'after the crash', '--timeline', path]);
    expect(r.stderr).toMatch(/note recorded/);
    expect(r.code).toBe(0);
    const after = readFileSync(path, 'utf8');
    expect(seqsOf(after)).toEqual([...seqs.map((_, i) => i), seqs.length]);
  });
});

describe('several processes appending to one timeline', () => {
  it('keep every line intact and seq unique and gap-free', async () => {
    const path = join(tempDir(), 'shared.jsonl');
    writeFileSync(path, '');
    const perProcess = 60;
    const fixtures = Array.from({ length: 4 }, () => runNode([FIXTURE, path, 'notes', String(perProcess)], { timeoutMs: 60_000 }));
    const notes = Array.from({ length: 4 }, (_, i) => runbook(['note', `cli note ${i}`, '--timeline', path], { timeoutMs: 60_000 }));
    const results = await Promise.all([...fixtures, ...notes]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const seqs = seqsOf(text);
    expect(seqs).toEqual(Array.from({ length: 4 * perProcess + 4 }, (_, i) => i));
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe('disk trouble through the CLI', () => {
  it('note to /dev/full exits 3 with one clean line on stderr', async () => {
    const r = await runbook(['note', 'x', '--timeline', '/dev/full']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('runbook: cannot write timeline /dev/full: ENOSPC: no space left on device\n');
    expect(r.stdout).toBe('');
  });

  it('note to a directory exits 3 with one clean line on stderr', async () => {
    const dir = tempDir();
    const r = await runbook(['note', 'x', '--timeline', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^runbook: cannot write timeline .*: EISDIR/);
  });
});
