// Asking for a variable on a real terminal: one with `choices` is picked from a list showing every allowed value;
// its `description` and `pattern` are shown with the question.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, python3Available, readEvents, spawnPty, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const RB = `---
vars:
  - name: target
    description: where to deploy
    choices: [staging, production]
  - name: zone
    description: the zone to drain
    pattern: '^[a-z]+-[0-9]$'
---
# Choose

## Say

\`\`\`sh
echo "{{target}} {{zone}}" > said.out
\`\`\`
`;

describe.skipIf(!python3Available())('asking for values (needs python3 with the pty module)', () => {
  it('choices are a list to pick from; description and pattern are shown with the question', async () => {
    const w = workDir();
    w.write('choose.md', RB);
    const t = spawnPty(['run', 'choose.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('target (where to deploy):');
    // Every allowed value is on the screen before anything is typed.
    at = await t.waitFor(/staging[\s\S]*production/, { from: at });
    t.type('\x1b[B'); // down: production
    t.type('\r');
    at = await t.waitFor('zone (the zone to drain) [must match /^[a-z]+-[0-9]$/]:', { from: at });
    t.type('eu-1\r');
    at = await t.waitFor('Run 1.1?', { from: at });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);
    expect(readFileSync(w.path('said.out'), 'utf8')).toBe('production eu-1\n');
    const set = readEvents(w.path('t.jsonl')).filter((e) => e.type === 'var.set');
    expect(set).toEqual([
      expect.objectContaining({ name: 'target', value: 'production', source: 'prompt' }),
      expect.objectContaining({ name: 'zone', value: 'eu-1', source: 'prompt' }),
    ]);
  });
});
