// The suite's own spawner (test/helpers/run-cli.ts) decodes a process's output across reads: a character whose
// bytes arrive in two reads (a box-drawing line, Cyrillic in an edited command) must not become U+FFFD, or a
// test would fail on a busy machine only.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { spawnNode } from '../../helpers/run-cli.js';

describe("the suite's spawner", () => {
  it('keeps a character whose bytes come in separate reads whole, on stdout and stderr', async () => {
    // Each byte of "─я" written on its own, 20 ms apart: every read ends inside a character.
    const script = `const b = Buffer.from('─я'); let i = 0; const t = setInterval(() => { process.stdout.write(b.subarray(i, i + 1)); process.stderr.write(b.subarray(i, i + 1)); if (++i === b.length) clearInterval(t); }, 20);`;
    const r = await spawnNode(['-e', script], { cwd: tmpdir(), env: process.env }).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('─я');
    expect(r.stderr).toBe('─я');
  });
});
