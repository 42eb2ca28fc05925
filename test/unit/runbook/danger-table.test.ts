// The contract of danger detection, one row per command: every destructive command of the table is caught
// with the word it asks for, every harmless one is left alone, and the known misses say why they are missed.
import { describe, expect, it } from 'vitest';
import { findDanger, judgeDanger } from '../../../src/runbook/danger.js';
import { DESTRUCTIVE, HARMLESS, OBFUSCATED } from '../../helpers/danger-cases.js';

const at = (cmd: string): string => cmd.replaceAll('@X', '/srv/app/cache');

describe('destructive commands are detected wherever they stand', () => {
  it('the table holds the 118 destructive commands the issue asks for, each once', () => {
    expect(DESTRUCTIVE.length).toBeGreaterThanOrEqual(118);
    expect(new Set(DESTRUCTIVE.map((c) => c.cmd)).size).toBe(DESTRUCTIVE.length);
  });

  it.each(DESTRUCTIVE.map((c) => [at(c.cmd), c.word]))('%j is dangerous and asks for "%s"', (cmd, word) => {
    expect(findDanger(cmd)).toBeDefined();
    expect(judgeDanger({ attributes: {} }, cmd)).toMatchObject({ danger: true, word });
  });

  for (const o of OBFUSCATED) it.todo(`known miss: ${at(o.cmd)} (${o.why})`);
});

describe('harmless commands that mention dangerous words are not flagged', () => {
  it.each(HARMLESS.map((c) => [at(c)]))('%j is not dangerous', (cmd) => {
    expect(findDanger(cmd)).toBeUndefined();
  });
});
