// `runbook verify TIMELINE`: is this the file that was written during the incident? Checks seq, the hash chain
// and the seal (with its SSH signature). Exit 0 when it verifies, 1 when it does not (docs/verify.md).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { VerifyOptions as CliVerifyOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode, UserError } from '../errors.js';
import { verifyTimeline } from '../timeline/verify.js';
import { hint, quote } from '../self-name.js';
import { verdict } from '../report/integrity.js';
import { neutralize } from '../ui/neutralize.js';
import { writeJson } from './shared.js';

export async function verify(timeline: string, options: CliVerifyOptions, io: Io): Promise<number> {
  const allowed = options.allowedSigners === undefined ? undefined : resolve(io.cwd, options.allowedSigners);
  if (allowed !== undefined && !existsSync(allowed)) throw new UserError(`--allowed-signers ${options.allowedSigners}: no such file`);
  // A verdict that says to seal names the command as this one was started, with the file: pasted as it stands.
  const sealCommand = hint(io, 'seal', quote(timeline));
  const report = await verifyTimeline(resolve(io.cwd, timeline), { env: io.env, sealCommand, ...(allowed !== undefined ? { allowedSigners: allowed } : {}) });
  if (options.json) writeJson(io, { ...report, path: timeline });
  else io.stdout.write(`${neutralize(verdict(report))}\n${report.ok ? `head ${report.head}\n` : ''}`);
  return report.ok ? ExitCode.ok : ExitCode.failed;
}
