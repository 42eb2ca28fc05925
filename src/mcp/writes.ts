// The two tools of `runbook mcp` that write: a note, and a suggested command, appended to a live run's timeline
// through the same writer as `runbook note` (lock, redaction with the run's runbook patterns, fsync). A
// suggestion is only shown to the operator at the runner's next command prompt; it never runs by itself.
import { randomBytes } from 'node:crypto';
import { record } from '../commands/note.js';
import type { Io } from '../io.js';
import { noteTooLong } from '../timeline/limits.js';
import { ToolError, type McpContext } from './context.js';
import { liveRun, runName } from './runs.js';

/** A suggested command is at most this many characters: a command, not a script. */
export const MAX_SUGGESTION_CHARS = 4096;

function ioOf(ctx: McpContext): Io {
  // record() reads only env and cwd here (the timeline is named); nothing is ever written to stdout, the protocol.
  return { stdout: process.stderr, stderr: process.stderr, stdin: process.stdin, env: ctx.env, cwd: ctx.cwd, interactive: false, color: false, colorErr: false };
}

export async function addNote(ctx: McpContext, text: string, timeline: string | undefined) {
  if (text.trim() === '') throw new ToolError('a note needs some text');
  const tooLong = noteTooLong(text);
  if (tooLong) throw new ToolError(tooLong);
  const run = await liveRun(timeline, ctx);
  const actor = ctx.actor();
  const r = await record({ type: 'note', text, actor }, { timeline: run.path }, ioOf(ctx));
  return { timeline: runName(r.path), seq: r.seq, actor };
}

export async function suggestCommand(ctx: McpContext, command: string, reason: string, timeline: string | undefined) {
  if (command.trim() === '') throw new ToolError('suggest a command: the text is empty');
  if (command.length > MAX_SUGGESTION_CHARS) throw new ToolError(`a suggested command is at most ${MAX_SUGGESTION_CHARS} characters`);
  const tooLong = noteTooLong(reason);
  if (tooLong) throw new ToolError(tooLong.replace(/note/g, 'reason'));
  const run = await liveRun(timeline, ctx);
  const actor = ctx.actor();
  const id = `sg-${randomBytes(3).toString('hex')}`;
  const r = await record({ type: 'suggestion', id, command: command.replace(/\s+$/, ''), reason, actor }, { timeline: run.path }, ioOf(ctx));
  return { timeline: runName(r.path), seq: r.seq, id, actor, status: 'pending: shown to the operator at the next command prompt; it runs only if they choose to run it' };
}
