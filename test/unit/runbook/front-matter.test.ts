// Front-matter through gray-matter: every form a runbook may use, with file lines for what goes wrong.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { isCalendarDate, splitFrontMatter } from '../../../src/runbook/front-matter.js';

const parse = (text: string) => parseRunbook(text, '/rb/example.md');
const fence = '```';

describe('front-matter forms', () => {
  it('--- YAML closed by ---: fields read, body lines counted from the file start', () => {
    const p = parse(`---\ntitle: Disk\ntags: [a]\n---\n## Step\n${fence}sh\ndf -h\n${fence}\n`);
    expect(p.runbook.title).toBe('Disk');
    expect(p.runbook.tags).toEqual(['a']);
    expect(p.runbook.steps[0]?.line).toBe(5);
    expect(p.runbook.steps[0]?.commands[0]?.line).toBe(6); // the fence line
  });

  it('--- YAML closed by ... (the YAML document end marker)', () => {
    const p = parse(`---\ntitle: Dots\n...\n## Step\nbody\n`);
    expect(p.runbook.title).toBe('Dots');
    expect(p.runbook.steps.map((s) => [s.title, s.line])).toEqual([['Step', 4]]);
  });

  it('a --- line after a ... closer belongs to the body', () => {
    const p = parse(`---\ntitle: Dots\n...\n## Step\n\n---\n\nmore\n`);
    expect(p.runbook.title).toBe('Dots');
    expect(p.runbook.steps[0]?.prose).toContain('more');
  });

  it('a ... line after a --- closer belongs to the body; the first of two ... lines closes', () => {
    const p = parse(`---\ntitle: Dashes\n---\n## Step\n\n...\nmore\n`);
    expect(p.runbook.title).toBe('Dashes');
    expect(p.runbook.steps.map((s) => [s.title, s.line])).toEqual([['Step', 4]]);
    expect(p.runbook.steps[0]?.prose).toContain('more');
    const q = parse(`---\ntitle: Two\n...\n## Step\n\n...\n\n---\nmore\n`);
    expect(q.runbook.title).toBe('Two');
    expect(q.runbook.steps.map((s) => [s.title, s.line])).toEqual([['Step', 4]]);
  });

  it('Hugo +++ TOML: title, description and id from `key = "value"` lines', () => {
    const p = parse(`+++\ntitle = "Etcd \\"down\\""\ndescription = "members lost"\nid = "etcd-down"\nweight = 10\n+++\n## Meaning\n`);
    expect(p.runbook).toMatchObject({ title: 'Etcd "down"', description: 'members lost', id: 'etcd-down' });
    expect(p.runbook.steps.map((s) => [s.title, s.line])).toEqual([['Meaning', 7]]);
    expect(p.problems).toEqual([]);
  });

  it('Hugo JSON front-matter: a { … } object on the first lines', () => {
    const p = parse(`{\n  "title": "From JSON",\n  "tags": ["x", "y"]\n}\n## Step\n`);
    expect(p.runbook.title).toBe('From JSON');
    expect(p.runbook.tags).toEqual(['x', 'y']);
    expect(p.runbook.steps[0]?.line).toBe(5);
  });

  it('---json front-matter (gray-matter language after the opener)', () => {
    const p = parse(`---json\n{ "title": "J", "severity": "sev1" }\n---\n## S\n`);
    expect(p.runbook).toMatchObject({ title: 'J', severity: 'sev1' });
    expect(p.runbook.steps[0]?.line).toBe(4);
  });

  it('a { paragraph that is not a JSON object is Markdown, not front-matter', () => {
    const fm = splitFrontMatter(`{\nnot json\n}\n## S\n`);
    expect(fm.format).toBe('none');
  });

  it('an unclosed --- is Markdown (a thematic break), not front-matter swallowing the file', () => {
    const fm = splitFrontMatter(`---\ntitle: x\n## Step\n`);
    expect(fm).toMatchObject({ format: 'none', bodyLineOffset: 0 });
    expect(parse(`---\n\n## Step\ntext\n`).runbook.steps.map((s) => s.title)).toEqual(['Step']);
  });

  it('---- (four dashes) is not an opener', () => {
    expect(splitFrontMatter(`----\ntitle: x\n---\n`).format).toBe('none');
  });

  it('an empty block and a comments-only block are no metadata, no problem', () => {
    expect(parse(`---\n---\n## S\n`).problems).toEqual([]);
    const c = parse(`---\n# just a comment\n---\n## S\n`);
    expect(c.problems).toEqual([]);
    expect(c.runbook.steps[0]?.line).toBe(4);
  });
});

describe('front-matter errors name the file line', () => {
  it('invalid YAML: fatal, one problem on the line js-yaml points at, body still read', () => {
    const p = parse(`---\ntitle: ok\nowner: me\nkey: [a, b\nother: 1\n---\n## Step\n`);
    expect(p.fatal).toBe(true);
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0]).toMatchObject({ rule: 'invalid-yaml', severity: 'error', file: '/rb/example.md' });
    // js-yaml notices the unclosed flow sequence at `other:` (file line 5) or the end of the block (line 6).
    expect([5, 6]).toContain(p.problems[0]?.line);
    expect(p.runbook.steps.map((s) => [s.title, s.line])).toEqual([['Step', 7]]);
  });

  it('a tab-indented mapping error is reported on its own line', () => {
    const p = parse(`---\ntitle: ok\nvars:\n\t- name: x\n---\n`);
    expect(p.problems[0]).toMatchObject({ rule: 'invalid-yaml', line: 4 });
  });

  it('2026-13-45 is a bad date (core schema: no silent roll-over to 2027), on its line', () => {
    const p = parse(`---\ntitle: t\nlast_reviewed: 2026-13-45\n---\n`);
    expect(p.runbook.lastReviewed).toBeUndefined();
    expect(p.problems).toContainEqual(expect.objectContaining({ rule: 'bad-date', line: 3 }));
  });

  it('a date is valid exactly when Date reads it back as the same day', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const iso = `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}`;
        const ms = Date.parse(`${iso}T00:00:00Z`);
        expect(isCalendarDate(iso), iso).toBe(!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === iso);
      }),
      { numRuns: 5000 },
    );
    for (const iso of ['2024-02-29', '2000-02-29', '1900-02-28']) expect(isCalendarDate(iso), iso).toBe(true);
    for (const iso of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-1-01', '２０２６-01-01', ' 2026-01-01', '2026-01-01T00:00']) expect(isCalendarDate(iso), iso).toBe(false);
  });

  it('a valid date stays the same text (never shifted by a time zone)', () => {
    expect(parse(`---\nlast_reviewed: 2026-02-28\n---\n`).runbook.lastReviewed).toBe('2026-02-28');
  });

  it('YAML that is not a mapping is a fatal error on the first line', () => {
    const p = parse(`---\n- a\n- b\n---\n`);
    expect(p.fatal).toBe(true);
    expect(p.problems[0]).toMatchObject({ rule: 'invalid-yaml', line: 1 });
  });

  it('YAML tags that run code or build objects (!!js/function) are errors, not evaluated', () => {
    const p = parse(`---\ntitle: !!js/function 'function () { return 1 }'\n---\n`);
    expect(p.fatal).toBe(true);
    expect(p.problems[0]).toMatchObject({ rule: 'invalid-yaml', line: 2 });
  });
});
