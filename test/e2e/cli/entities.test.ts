// The bundle gives markdown-it entities' decoder through a shim that loads it on first use
// (scripts/build.mjs): HTML character references in a runbook still read as their characters.
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/in-process.js';
import { workDir } from '../../helpers/run-cli.js';

describe('character references in a runbook (bundle)', () => {
  it('are decoded in step titles, named and numeric (prose keeps its Markdown source)', async () => {
    const w = workDir();
    const file = w.write('ent.md', '---\nid: ent\ntitle: Entities\n---\n# Ent\n\n## Check A &amp; B &copy; &#x41;&#66;\n\nCopy &quot;this&quot; &rarr; there\n\n```sh\necho hi\n```\n');
    const r = await runInProcess(['show', file, '--json'], { cwd: w.dir });
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout) as { steps: { title: string }[] };
    expect(shown.steps[0]?.title).toBe('Check A & B © AB');
  });
});
