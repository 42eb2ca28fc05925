// `runbook handover --to NAME [text]`: record who holds the run from now on. The runner reads it from its
// timeline and names the new holder on the events it writes afterwards (docs/team.md).
import type { HandoverOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode, UserError } from '../errors.js';
import { noteTooLong } from '../timeline/limits.js';
import { neutralize } from '../ui/neutralize.js';
import { relativeTo } from './shared.js';
import { actorName, record } from './note.js';

export async function handover(text: string, options: HandoverOptions, io: Io): Promise<number> {
  const to = options.to.trim();
  // A name is one line of visible text: it is shown in every later event's actor.
  if (to === '' || /[\u0000-\u001f\u007f-\u009f]/.test(to)) throw new UserError('--to needs the name of who takes the run over, on one line (e.g. --to alice)');
  if (to.length > 200) throw new UserError('--to: a name of at most 200 characters');
  const tooLong = noteTooLong(text, 'handover');
  if (tooLong) throw new UserError(tooLong);
  const event = await record({ type: 'handover', to, text, actor: actorName(io.env) }, options, io);
  io.stderr.write(`handed over to ${neutralize(to)} in ${neutralize(relativeTo(io.cwd)(event.path))} (seq ${event.seq})\n`);
  return ExitCode.ok;
}
