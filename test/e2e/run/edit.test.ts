// Editing a command before it runs, on a real terminal: a multi-line command opens in the operator's editor
// ($VISUAL / $EDITOR), a one-line command is edited inline with its text filled in. What runs is exactly what
// the screen shows and what the timeline records.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cliEnv, python3Available, readEvents, spawnPty, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

/**
 * Runs a two-line command, presses e: `printf` (its format, as sh's printf reads it) is what the "editor" saves
 * over the file it is given, as an operator would. Then the edited box must show `shown`, r runs it, and the run
 * must end well. Returns the work dir and the recorded command.started events.
 */
async function editAndRun(printf: string, shown: string) {
  const w = workDir();
  w.write('ml.md', '# ML\n\n## Both\n\n```sh\necho one > a.out\necho two > b.out\n```\n');
  const editor = w.write('edit.sh', `#!/bin/sh\nprintf '${printf}' > "$1"\n`);
  chmodSync(editor, 0o755);
  const env = cliEnv(w.dir, { EDITOR: editor });
  delete env.VISUAL;
  const t = spawnPty(['run', 'ml.md', '--timeline', 't.jsonl'], { cwd: w.dir, env });
  let at = await t.waitFor('Run 1.1?');
  t.type('e\r');
  at = await t.waitFor(`1.1 · edited\n${shown.split('\n').map((l, i) => `│ ${i === 0 ? '$' : ' '} ${l}`).join('\n')}\n└─`, { from: at });
  at = await t.waitFor('Run 1.1?', { from: at });
  t.type('r\r');
  expect((await t.done).code).toBe(0);
  return { w, started: readEvents(w.path('t.jsonl')).filter((e) => e.type === 'command.started') };
}

describe.skipIf(!python3Available())('editing a command (needs python3 with the pty module)', () => {
  it('a multi-line command opens in $EDITOR; every edited line runs, is shown and is recorded', async () => {
    // In UTF-8, as the editor was given the file.
    const { w, started } = await editAndRun('echo ÖNE > a.out\\necho TWO > b.out\\n', 'echo ÖNE > a.out\necho TWO > b.out');
    // Once only the last line survived the edit: both must have run.
    expect(readFileSync(w.path('a.out'), 'utf8')).toBe('ÖNE\n');
    expect(readFileSync(w.path('b.out'), 'utf8')).toBe('TWO\n');
    expect(started).toEqual([expect.objectContaining({ id: '1.1', edited: true, command: 'echo ÖNE > a.out\necho TWO > b.out' })]);
  });

  it('an edited file in another encoding than UTF-8 (CP1251 here) is read back as the editor meant it', async () => {
    // An editor set to CP1251 saves Cyrillic one byte a letter: "привет" is ef f0 e8 e2 e5 f2.
    const cp1251 = 'echo \\357\\360\\350\\342\\345\\362, \\352\\356\\354\\340\\355\\344\\340 > a.out\\necho two > b.out\\n';
    const { w, started } = await editAndRun(cp1251, 'echo привет, команда > a.out\necho two > b.out');
    expect(readFileSync(w.path('a.out'), 'utf8')).toBe('привет, команда\n');
    expect(started).toEqual([expect.objectContaining({ id: '1.1', edited: true, command: 'echo привет, команда > a.out\necho two > b.out' })]);
  });

  it('a one-line command is edited inline, its text filled in', async () => {
    const w = workDir();
    w.write('one.md', '# One\n\n## Touch\n\n```sh\ntouch one.out\n```\n');
    const t = spawnPty(['run', 'one.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('Run 1.1?');
    t.type('e\r');
    at = await t.waitFor('touch one.out', { from: at });
    // The cursor stands after the filled-in text: what is typed is appended to it.
    t.type('2\r');
    at = await t.waitFor(/1\.1 · edited\n│ \$ touch one\.out2\n/, { from: at });
    at = await t.waitFor('Run 1.1?', { from: at });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);
    expect(existsSync(w.path('one.out2'))).toBe(true);
    expect(existsSync(w.path('one.out'))).toBe(false);
    expect(readEvents(w.path('t.jsonl')).find((e) => e.type === 'command.started')).toMatchObject({ command: 'touch one.out2', edited: true });
  });
});
