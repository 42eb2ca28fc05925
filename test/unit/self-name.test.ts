import { describe, expect, it } from 'vitest';
import { hint, selfName } from '../../src/self-name.js';

describe('selfName: how hints name the command', () => {
  it.each([
    ['started as node bin/runbook.js from the clone', { PATH: '/usr/bin' }, '/src/runbook', '/src/runbook/bin/runbook.js', 'node bin/runbook.js'],
    ['started by absolute path from elsewhere', { PATH: '/usr/bin' }, '/tmp', '/src/runbook/bin/runbook.js', 'node /src/runbook/bin/runbook.js'],
    ['a path with a space is quoted', { PATH: '/usr/bin' }, '/tmp', '/my src/bin/runbook.js', "node '/my src/bin/runbook.js'"],
    ['installed: runbook in a folder on PATH', { PATH: '/usr/bin:/usr/local/bin' }, '/tmp', '/usr/local/bin/runbook', 'runbook'],
    ['a runbook link not on PATH', { PATH: '/usr/bin' }, '/work', '/work/node_modules/.bin/runbook', 'node_modules/.bin/runbook'],
    ['under npx', { PATH: '/usr/bin', npm_command: 'exec', npm_lifecycle_event: 'npx' }, '/tmp', '/tmp/node_modules/.bin/runbook', 'npx runbook'],
  ])('%s', (_what, env, cwd, argv1, expected) => {
    expect(selfName({ env, cwd }, argv1)).toBe(expected);
  });

  it('hint joins the words after the name', () => {
    expect(hint({ env: { PATH: '' }, cwd: '/r' }, 'replay', 'incidents/x.jsonl')).toMatch(/ replay incidents\/x\.jsonl$/);
  });
});
