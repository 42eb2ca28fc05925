// A chatty command's output through the real CLI, in pipe-sized chunks: what reaches stdout is what the output
// filter makes of the whole output, byte for byte (clean chunks go out as the bytes that came).
import { afterAll, describe, expect, it } from 'vitest';
import { neutralizeOutput } from '../../../src/ui/neutralize.js';
import { BIN, cleanup, cliEnv, spawnNode, workDir } from '../../helpers/run-cli.js';

afterAll(() => cleanup());

const CLEAN = 'clean line of output — ok ✓\n';
const TRAPS = 'trap \x1b]52;c;Zm9v\x07 \x1b[2J \u009bc1 \x01 bel\x07 del\x7f \x1b[31mred\x1b[0m\n';
const runbook = `---
id: chatty
title: Chatty
---
# Chatty

## Print

\`\`\`sh
yes '${CLEAN.trimEnd()}' | head -n 20000
printf 'trap \\033]52;c;Zm9v\\007 \\033[2J \\302\\233c1 \\001 bel\\007 del\\177 \\033[31mred\\033[0m\\n'
yes more | head -n 30000
\`\`\`
`;
const raw = CLEAN.repeat(20000) + TRAPS + 'more\n'.repeat(30000);

describe('large command output', () => {
  it('reaches stdout as the filter makes it, byte for byte', async () => {
    const w = workDir();
    const file = w.write('chatty.md', runbook);
    const r = await spawnNode([BIN, 'run', file, '--yes'], { cwd: w.dir, env: cliEnv(w.dir), timeoutMs: 60_000 }).done;
    expect(r.code, r.stderr).toBe(0);
    const expected = neutralizeOutput(raw);
    expect(r.stdout.length).toBe(expected.length);
    // Compared as one boolean: a failing toBe on 800 KB would print both whole.
    expect(r.stdout === expected).toBe(true);
    expect(r.stdout).toContain('\x1b[31mred\x1b[0m');
    expect(r.stdout).not.toMatch(/\x1b\]|\x1b\[2J|\u009b|\x07|\x01|\x7f/);
  });
});
