import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findDanger, judgeDanger, PROGRAM_RULES, TEXT_RULES } from '../../../src/runbook/danger.js';

describe('the danger table', () => {
  const rules = [...PROGRAM_RULES, ...TEXT_RULES];

  it.each(rules.map((r) => [r.example, r.name]))('%s matches its own rule', (example, name) => {
    expect(findDanger(example)?.name).toBe(name);
  });

  it('docs/runbook-format.md shows every rule with its example', () => {
    const docs = readFileSync(new URL('../../../docs/runbook-format.md', import.meta.url), 'utf8');
    for (const r of rules) expect(docs, r.example).toContain(`\`${r.example}\``);
  });
});

describe('judged on what will run', () => {
  it('a variable the command expands is judged by its value: `$TOOL -rf x` with TOOL=rm is an rm', () => {
    expect(findDanger('$TOOL -rf /srv/x')).toBeUndefined();
    expect(findDanger('"$TOOL" -rf /srv/x', { lookup: (n) => (n === 'TOOL' ? 'rm' : undefined) })).toMatchObject({ program: 'rm' });
  });

  it('the reason shown is the command that matched, without the wrapper around it', () => {
    expect(findDanger('ls; sudo -u root /bin/rm -rf /srv/x')?.match).toBe('/bin/rm -rf /srv/x');
  });
});

describe('the confirmation word', () => {
  const word = (text: string, attributes: Record<string, string | boolean> = {}): string => judgeDanger({ attributes }, text).word;

  it('is the program that makes the command dangerous, never set, echo, a comment word or an assignment', () => {
    expect(word('set -e\nrm -rf /srv/x')).toBe('rm');
    expect(word('# safe cleanup\nrm -rf /srv/x')).toBe('rm');
    expect(word('echo x; kubectl delete pod api-1')).toBe('kubectl');
    expect(word('name=y rm -rf /srv/x')).toBe('rm');
    expect(word('FOO=1 sudo -u root kubectl delete pod x')).toBe('kubectl');
    expect(word('echo b > /proc/sysrq-trigger')).toBe('sysrq-trigger');
  });

  it('is the block name when it has at least 4 characters', () => {
    expect(word('rm -rf /srv/x', { name: 'purge-cache' })).toBe('purge-cache');
    expect(word('rm -rf /srv/x', { name: 'y' })).toBe('rm');
    expect(word('rm -rf /srv/x', { name: 'abc' })).toBe('rm');
  });

  it('for a block marked danger=true that matches no rule: its first program that is not a shell builtin', () => {
    expect(judgeDanger({ attributes: { danger: true } }, 'set -eu\necho starting\nmy-migrate --apply')).toEqual({ danger: true, reason: 'danger=true', word: 'my-migrate' });
    expect(judgeDanger({ attributes: { danger: 'true' } }, 'echo hello').word).toBe('yes');
  });
});

describe('blocks in another language', () => {
  it.each(['python3', '/usr/bin/python3', 'node', 'ruby', 'perl', 'fish'])('shell=%s is dangerous: the lexer cannot read it', (shell) => {
    const j = judgeDanger({ attributes: {}, shell }, 'import shutil\nshutil.rmtree("/srv/x")');
    expect(j.danger).toBe(true);
    expect(j.reason).toMatch(/not a shell: its commands are not checked/);
    expect(j.word).toBe(shell.split('/').pop());
  });

  it('the name still gives the word', () => {
    expect(judgeDanger({ attributes: { name: 'rotate-keys' }, shell: 'python3' }, 'print(1)').word).toBe('rotate-keys');
  });

  it.each(['bash', '/bin/sh', 'zsh', 'dash'])('shell=%s is a shell: judged by its commands', (shell) => {
    expect(judgeDanger({ attributes: {}, shell }, 'ls -la').danger).toBe(false);
    expect(judgeDanger({ attributes: {}, shell }, 'rm -rf /srv/x').danger).toBe(true);
  });
});
