// Interactive commands get the terminal: inherited stdio, no capture, and the runner's own process group.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExecutor } from '../../../src/adapters/executor.js';
import { capture, processGroupOf, request } from './helpers.js';

const executor = createExecutor({ graceMs: 500 });
const ownGroupScript = (file: string): string => `read -r _ _ _ _ pgid _ < /proc/$$/stat; echo "$$ $pgid" > ${file}`;

function shellAndGroup(file: string): { shell: number; group: number } {
  const [shell, group] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
  return { shell: shell ?? NaN, group: group ?? NaN };
}

describe('interactive commands', () => {
  it('are not captured, and report their exit code', async () => {
    const out = capture();
    const r = await executor.run(request('exit 4', { interactive: true }), out.listener);
    expect(r).toMatchObject({ exitCode: 4, signal: null });
    expect(out.chunks).toEqual([]);
  });

  it('stay in the runner process group so they can use its terminal; other commands get their own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-pgid-'));
    await executor.run(request(ownGroupScript(join(dir, 'i')), { interactive: true }), () => {});
    await executor.run(request(ownGroupScript(join(dir, 'n')), { interactive: false }), () => {});
    expect(shellAndGroup(join(dir, 'i')).group).toBe(processGroupOf(process.pid));
    const n = shellAndGroup(join(dir, 'n'));
    expect(n.group).toBe(n.shell);
  });

  it('still time out', async () => {
    const r = await executor.run(request('sleep 30', { interactive: true, timeoutMs: 300 }), () => {});
    expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
  });
});
