// Which lint problems refuse `run`: those that change what would run (or what the timeline hides).
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { lintRunbook } from '../../../src/runbook/lint.js';
import { problemsBeforeRun } from '../../../src/runbook/blocking.js';

const f = '```';
const check = (frontMatter: string, body = `## S\n${f}sh\nuptime\n${f}\n`) => {
  const src = frontMatter ? `---\n${frontMatter}\n---\n${body}` : body;
  const { refuse, warn } = problemsBeforeRun(lintRunbook(parseRunbook(src, '/rb/x.md'), { maxAgeDays: 180, today: '2026-12-01' }));
  return { refuse: refuse.map((p) => p.rule), warn: warn.map((p) => p.rule) };
};

describe('lint problems before a run', () => {
  it.each([
    ['a variable pattern that is not a regular expression', "vars:\n  - name: x\n    pattern: '(('\n    default: a", 'invalid-pattern'],
    ['choices that are not a list', 'vars:\n  - name: x\n    choices: 3\n    default: a', 'field-type'],
    ['a variable declared twice', 'vars:\n  - name: x\n  - name: x', 'field-type'],
    ['a timeout that is not a duration', 'timeout: soon', 'field-type'],
    ['a redact pattern that is not a regular expression', "redact: ['(']", 'invalid-pattern'],
  ])('%s refuses the run', (_what, fm, rule) => {
    expect(check(fm).refuse).toEqual([rule]);
  });

  it('unreadable block attributes refuse the run', () => {
    expect(check('', `## S\n${f}sh {timeout=soon}\nuptime\n${f}\n`).refuse).toEqual(['bad-attribute']);
    expect(check('', `## S\n${f}sh {"danger": tru}\nrm -rf /tmp/x\n${f}\n`).refuse).toEqual(['bad-attribute']);
  });

  it.each([
    ['a bad date', 'last_reviewed: last week', 'bad-date'],
    ['tags of the wrong type', 'tags: {a: 1}', 'field-type'],
    ['a title of the wrong type', 'title: [a, b]', 'field-type'],
  ])('%s is only a warning', (_what, fm, rule) => {
    const r = check(fm);
    expect(r.refuse).toEqual([]);
    expect(r.warn).toContain(rule);
  });

  it('lint warnings (a stale review) are not shown before a run at all', () => {
    expect(check('last_reviewed: 2020-01-01')).toEqual({ refuse: [], warn: [] });
  });
});
