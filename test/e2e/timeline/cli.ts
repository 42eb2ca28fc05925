// Spawning the real binary (bin/runbook.js, which imports dist/) with a time limit.
import { BIN, ROOT, spawnNode } from '../../helpers/run-cli.js';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run node with args (the machine's environment, without colour); killed after timeoutMs. */
export async function runNode(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  Object.assign(env, opts.env);
  const { code, stdout, stderr } = await spawnNode(args, { cwd: opts.cwd ?? ROOT, env, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) }).done;
  return { code, stdout, stderr };
}

export const runbook = (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Result> =>
  runNode([BIN, ...args], opts);
