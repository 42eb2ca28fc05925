// `runbook seal TIMELINE`: seal an interrupted run's timeline (a runner seals its own at run.finished):
// append a `seal` over the chain head, SSH-signed when a key is at hand. Refuses a live run and a broken chain.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SealOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode, UserError } from '../errors.js';
import { ownerAlive, ownerPathOf } from '../timeline/lock.js';
import { verifyTimeline } from '../timeline/verify.js';
import { lineHash } from '../timeline/chain.js';
import { chooseSigningKey, sshSealer } from '../timeline/ssh-sign.js';
import { createRedactor, loadUserRedactPatterns } from '../timeline/redact.js';
import { openTimeline } from '../timeline/writer.js';
import { systemClock } from '../adapters/clock.js';
import { neutralize } from '../ui/neutralize.js';
import { actorName } from './note.js';

/** Verdicts after which sealing adds a true statement: the chain is whole up to the end. */
const SEALABLE = new Set(['not-sealed', 'appended', 'truncated']);

export async function seal(timeline: string, options: SealOptions, io: Io): Promise<number> {
  const path = resolve(io.cwd, timeline);
  const shown = neutralize(timeline);
  if (!existsSync(path)) throw new UserError(`no timeline ${timeline}`);
  if (await ownerAlive(ownerPathOf(path))) {
    throw new UserError(`${shown}: its run is still going on; the runner seals it when the run ends`);
  }
  const key = chooseSigningKey(options.sign, io.env);
  const report = await verifyTimeline(path, { env: io.env });
  if (report.ok && report.seal && (report.seal.signed || !key)) {
    io.stderr.write(`${shown} is sealed already (line ${report.seal.line}${report.seal.signed ? ', signed' : ''}): nothing to do\n`);
    return ExitCode.ok;
  }
  if (report.problem && !SEALABLE.has(report.problem.kind)) {
    throw new UserError(`will not seal ${shown}: ${report.problem.message}`, ExitCode.failed);
  }
  const notice = (line: string): void => void io.stderr.write(`runbook: ${neutralize(line)}\n`);
  const sealer = key?.explicit
    ? async (events: number, head: string) => {
        // An explicitly asked-for signature that cannot be made: write nothing rather than an unsigned seal.
        let failed: string | null = null;
        const parts = await sshSealer({ key, actor: actorName(io.env), env: io.env, notice: (l) => (failed = l) })(events, head);
        if (failed) throw new UserError(`${(failed as string).replace('the seal is not signed', 'cannot sign the seal')}; nothing was written`, ExitCode.failed);
        return parts;
      }
    : sshSealer({ key, actor: actorName(io.env), env: io.env, notice });
  const writer = await openTimeline(path, { clock: systemClock, redactor: createRedactor({ patterns: loadUserRedactPatterns(io.env) }), create: false });
  try {
    const ev = await writer.seal(sealer);
    if (ev.type === 'seal') {
      // The head `verify` prints and the incident record keeps: the hash of the last line, this seal's (the
      // seal's own `head` field is that of the line before it).
      io.stderr.write(
        `sealed ${shown} over the ${ev.events} events before the seal (seq ${ev.seq}), ${ev.signature ? `signed with key ${ev.key ?? '?'}` : 'unsigned'}\nhead ${lineHash(JSON.stringify(ev))}\n`,
      );
    }
  } finally {
    await writer.close().catch(() => undefined);
  }
  return ExitCode.ok;
}
