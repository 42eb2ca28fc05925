// The spawner of system_snapshot (runbook mcp): argv arrays through execa, never a shell, stdin closed, a
// timeout, output capped. The only way `runbook mcp` starts a process; the commands are src/mcp/snapshot.ts's.
import { execa } from 'execa';
import type { Spawner } from '../mcp/context.js';

export const spawnReadOnly: Spawner = async (file, args, { timeoutMs, maxBytes }) => {
  const r = await execa(file, args, {
    shell: false,
    stdin: 'ignore',
    reject: false,
    timeout: timeoutMs,
    maxBuffer: maxBytes,
    stripFinalNewline: false,
    // The C locale: the columns parsed are the same on every machine.
    env: { LC_ALL: 'C', LANG: 'C' },
    extendEnv: true,
  });
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  if (r.timedOut) return { stdout, failure: `timed out after ${timeoutMs} ms` };
  if (r.isMaxBuffer) return { stdout: stdout.slice(0, maxBytes), failure: `output over ${maxBytes} bytes: cut` };
  if (r.failed) return { stdout, failure: r.exitCode === undefined ? `could not run: ${r.code ?? r.shortMessage}` : `exit ${r.exitCode}${r.stderr ? `: ${String(r.stderr).trim().slice(0, 200)}` : ''}` };
  return { stdout };
};
