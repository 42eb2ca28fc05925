// 80 columns: prose re-flowed at word boundaries with inline Markdown rendered, list fitted to the width,
// CJK and emoji counted as two columns. Checked at 80 and at 160 columns.
import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { cleanup, cliEnv, runCli, workDir } from '../../helpers/run-cli.js';

afterEach(() => cleanup());

const words = 'The disk that holds the shipper spool fills when the upstream collector is slow; check the queue before deleting anything at all';
const cjk = '日本語の説明文はここにあります。ディスクがいっぱいです。'.repeat(4);
const runbook = `---
id: wide
title: A very long title for a runbook about a disk that fills up at three in the morning
tags: [linux, storage, shipper, logging, on-call, very-long-tag-name]
---
# Wide

${words}. See **the dashboard** and \`df -h\` and [the docs](https://example.com/docs/disk) 🔥🔥.

${cjk}

## Look

- first item of a list that is long enough to need a second line at eighty columns, surely
- second item

- [ ] a check whose text is also long enough that it has to be wrapped at eighty columns here

\`\`\`sh
df -h
\`\`\`
`;

function setup() {
  const w = workDir();
  w.write('wide.md', runbook);
  mkdirSync(w.path('runbooks'));
  w.write('runbooks/wide.md', runbook);
  w.write('runbooks/other.md', runbook.replace('id: wide', 'id: other'));
  return w;
}

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => stringWidth(l)));

describe.each([80, 160])('at %i columns', (columns) => {
  it('show wraps prose to the width at word boundaries, with inline Markdown rendered', async () => {
    const w = setup();
    const r = await runCli(['show', 'wide.md'], { cwd: w.dir, env: cliEnv(w.dir, { COLUMNS: String(columns) }) });
    expect(r.code, r.stderr).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(columns);
    // Every word is whole, in order, whatever the line breaks.
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(words);
    expect(r.stdout).toContain('the dashboard');
    expect(r.stdout).not.toContain('**');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('the docs (https://example.com/docs/disk) 🔥🔥');
    // The CJK paragraph is cut by width, not by characters: a line of it fills the width without passing it.
    const cjkLines = r.stdout.split('\n').filter((l) => /[日ディ]/.test(l));
    expect(cjkLines.length).toBeGreaterThan(1);
    expect(Math.max(...cjkLines.map((l) => stringWidth(l)))).toBeGreaterThan(columns - 4);
    // A list item's second line hangs under its text; the check's under its text.
    if (columns === 80) {
      expect(r.stdout).toMatch(/^- first item .*\n {2}\S/m);
      expect(r.stdout).toMatch(/^☐ a check .*\n {2}\S/m);
    } else expect(widest(r.stdout)).toBeGreaterThan(100);
  });

  it('list fits the width by shortening the title and tags', async () => {
    const w = setup();
    const r = await runCli(['list'], { cwd: w.dir, env: cliEnv(w.dir, { COLUMNS: String(columns) }) });
    expect(r.code, r.stderr).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(columns);
    if (columns === 80) expect(r.stdout).toMatch(/^wide +A very .*…/m);
    else expect(r.stdout).toContain('A very long title for a runbook about a disk that fills up at three in the morning');
  });

  it('run shows the prose wrapped to the width', async () => {
    const w = setup();
    const r = await runCli(['run', 'wide.md', '--dry-run'], { cwd: w.dir, env: cliEnv(w.dir, { COLUMNS: String(columns) }) });
    expect(r.code, r.stderr).toBe(0);
    // The lines of the first paragraph (the run's header and command boxes are not prose).
    const prose = r.stderr.split('\n').filter((l) => /spool|collector|queue|deleting|dashboard/.test(l));
    expect(prose.length).toBeGreaterThan(columns === 80 ? 1 : 0);
    expect(widest(prose.join('\n'))).toBeLessThanOrEqual(columns);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain(words);
  });
});

describe('without a terminal width (a pipe)', () => {
  it('list is not cut', async () => {
    const w = setup();
    const r = await runCli(['list'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(r.stdout).toContain('very-long-tag-name');
  });
});
