import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { lintRunbook } from '../../../src/runbook/lint.js';
import { duplicateIds } from '../../../src/runbook/load.js';
import { scaffold } from '../../../src/commands/new.js';

const today = '2026-11-28';
const lint = (text: string, maxAgeDays = 180) => lintRunbook(parseRunbook(text, '/rb/x.md'), { maxAgeDays, today });
const rules = (text: string, maxAgeDays = 180) => lint(text, maxAgeDays).map((p) => `${p.severity}:${p.rule}:${p.line}`);
const fm = (extra = '') => `---\nlast_reviewed: 2026-11-01\n${extra}---\n`;
const cmd = (body: string, info = 'sh') => `\`\`\`${info}\n${body}\n\`\`\`\n`;

describe('lint rules', () => {
  it('a clean runbook has no problems', () => {
    expect(rules(`${fm()}# T\n## S\n${cmd('uptime')}`)).toEqual([]);
  });

  it('invalid-yaml (error, with the line)', () => {
    expect(rules(`---\nlast_reviewed: 2026-11-01\ntags: [a\n---\n## S\n${cmd('uptime')}`)).toEqual(['error:invalid-yaml:4']);
  });

  it('field-type and bad-date (errors)', () => {
    expect(rules(`${fm('owner: [1, 2]\n')}## S\n${cmd('uptime')}`)).toEqual(['error:field-type:3']);
    expect(rules(`---\nlast_reviewed: yesterday\n---\n## S\n${cmd('uptime')}`)).toEqual(['error:bad-date:2', 'warning:review-missing:1']);
  });

  it('secret-default: a secret variable with a default written in the runbook (error, on its line)', () => {
    const vars = 'vars:\n  - name: mount\n    default: /\n  - name: db_password\n    secret: true\n    default: hunter22\n';
    expect(rules(`${fm(vars)}## S\n${cmd('psql')}`)).toEqual(['error:secret-default:6']);
    expect(rules(`${fm('vars:\n  - name: db_password\n    secret: true\n')}## S\n${cmd('psql')}`)).toEqual([]);
    // An empty default means "none" (peer auth, .pgpass): nothing secret is written in the runbook.
    expect(rules(`${fm("vars:\n  - name: PGPASS\n    secret: true\n    default: ''\n")}## S\n${cmd('psql')}`)).toEqual([]);
  });

  it('invalid-pattern: a redact pattern the linear-time engine cannot run (lookbehind), named with its reason', () => {
    const problems = lint(`${fm("redact: ['(?<=x)y', '(a|aa)+$']\n")}## S\n${cmd('uptime')}`);
    expect(problems.map((p) => `${p.severity}:${p.rule}:${p.line}`)).toEqual(['error:invalid-pattern:3']);
    expect(problems[0]?.message).toMatch(/"\(\?<=x\)y" cannot be used: .*RE2 syntax/);
  });

  it('undeclared-var: a {{name}} not in vars (error, on the command line)', () => {
    expect(rules(`${fm()}## S\n${cmd('df -h {{mount}}')}`)).toEqual(['error:undeclared-var:5']);
    expect(rules(`${fm('vars:\n  - name: mount\n    default: /\n')}## S\n${cmd('df -h {{mount}}')}`)).toEqual([]);
  });

  it('invalid-pattern (error)', () => {
    expect(rules(`${fm("vars:\n  - name: x\n    pattern: '(('\n")}## S\n${cmd('echo {{x}}')}`)).toContain('error:invalid-pattern:4');
  });

  it('no-steps and no-commands (warnings)', () => {
    expect(rules(`${fm()}# T\nJust prose with \`inline code\`.\n`)).toEqual(['warning:no-steps:4', 'warning:no-commands:1']);
  });

  it('review-missing and review-stale against --max-age (warnings)', () => {
    expect(rules(`## S\n${cmd('uptime')}`)).toEqual(['warning:review-missing:1']);
    expect(rules(`---\nlast_reviewed: 2026-01-01\n---\n## S\n${cmd('uptime')}`)).toEqual(['warning:review-stale:1']);
    expect(rules(`---\nlast_reviewed: 2026-01-01\n---\n## S\n${cmd('uptime')}`, 400)).toEqual([]);
  });

  it('danger-unmarked: a destructive command without danger=true (warning); marked, it is fine', () => {
    expect(rules(`${fm()}## S\n${cmd('systemctl restart nginx')}`)).toEqual(['warning:danger-unmarked:5']);
    expect(rules(`${fm()}## S\n${cmd('systemctl restart nginx', 'sh {danger=true}')}`)).toEqual([]);
  });

  it('duplicate-id across folders (error on each file)', () => {
    const a = parseRunbook('---\nid: same\n---\n', '/a/one.md');
    const b = parseRunbook('---\nid: same\n---\n', '/b/two.md');
    expect(duplicateIds([a, b]).map((p) => [p.file, p.rule, p.severity])).toEqual([
      ['/a/one.md', 'duplicate-id', 'error'],
      ['/b/two.md', 'duplicate-id', 'error'],
    ]);
  });

  it('what `new` writes passes lint with no problems', () => {
    expect(lintRunbook(parseRunbook(scaffold('redis-down', 'Redis is down', today), '/rb/redis-down.md'), { maxAgeDays: 180, today })).toEqual([]);
  });
});
