// The operator's prompts through @inquirer/prompts: the only importer of inquirer. Every choice is a letter
// and Enter, so the runner can also be driven through a terminal by a script.
import { expand, input, password } from '@inquirer/prompts';
import { AbortedError } from '../errors.js';
import type { CheckChoice, CommandChoice, FailureChoice, Prompter } from '../runner/engine.js';

export interface VarQuestion {
  name: string;
  description?: string;
  default?: string;
  secret: boolean;
  validate(value: string): string | null;
}

export interface TerminalPrompter extends Prompter {
  askVar(q: VarQuestion): Promise<string>;
  /** Whether the operator accepts a value with characters outside the safe set (shown marked) as free text. */
  acceptFreeText(name: string, marked: string): Promise<boolean>;
}

/**
 * Ctrl-C at a prompt once warns; twice within a few seconds aborts the run (AbortedError).
 * `stop` (SIGTERM, SIGHUP) cancels any open prompt and aborts too.
 */
export function createPrompter(io: { stdin: NodeJS.ReadableStream; stderr: NodeJS.WritableStream }, stop: AbortSignal): TerminalPrompter {
  let lastCtrlC = 0;
  const ctx = { input: io.stdin, output: io.stderr, signal: stop };

  async function ask<T>(prompt: () => Promise<T>): Promise<T> {
    for (;;) {
      if (stop.aborted) throw new AbortedError('stopped by a signal');
      try {
        return await prompt();
      } catch (err) {
        const name = (err as Error).name;
        if (stop.aborted || name === 'AbortPromptError') throw new AbortedError('stopped by a signal');
        if (name !== 'ExitPromptError') throw err;
        const now = Date.now();
        if (now - lastCtrlC < 5000) throw new AbortedError('aborted with Ctrl-C');
        lastCtrlC = now;
        io.stderr.write('(Ctrl-C again to abort the run; q stops it too)\n');
      }
    }
  }

  return {
    commandAction: ({ id, danger }) =>
      ask(() =>
        expand<CommandChoice>(
          {
            message: danger ? `${id} is DANGEROUS. Run it?` : `Run ${id}?`,
            choices: [
              { key: 'r', name: danger ? 'run (you will type a confirmation word)' : 'run', value: 'run' },
              { key: 's', name: 'skip', value: 'skip' },
              { key: 'e', name: 'edit the command first', value: 'edit' },
              { key: 'n', name: 'add a note to the timeline', value: 'note' },
              { key: 'q', name: 'stop the run', value: 'stop' },
            ],
          },
          ctx,
        ),
      ),
    confirmDanger: async (word) => (await ask(() => input({ message: `Type "${word}" to run it (anything else cancels):` }, ctx))).trim() === word,
    editCommand: (current) => ask(() => input({ message: 'Command to run:', default: current, prefill: 'editable' }, ctx)),
    note: () => ask(() => input({ message: 'Note:' }, ctx)),
    failureAction: ({ id }) =>
      ask(() =>
        expand<FailureChoice>(
          {
            message: `${id} failed. What now?`,
            choices: [
              { key: 'r', name: 'retry', value: 'retry' },
              { key: 'e', name: 'edit and run again', value: 'edit' },
              { key: 'c', name: 'continue with the next command', value: 'continue' },
              { key: 'q', name: 'stop the run (it ends as failed)', value: 'stop' },
            ],
          },
          ctx,
        ),
      ),
    confirmCheck: (text) =>
      ask(() =>
        expand<CheckChoice>(
          {
            message: `Done? ${text}`,
            choices: [
              { key: 'y', name: 'yes, confirmed', value: 'confirm' },
              { key: 's', name: 'skip this check', value: 'skip' },
              { key: 'q', name: 'stop the run', value: 'stop' },
            ],
          },
          ctx,
        ),
      ),
    acceptFreeText: (name, marked) =>
      ask(() =>
        expand<boolean>(
          {
            message: `${name} = ${marked}\n  has characters outside letters, digits and ._:/@%+=,- (marked ⟦ ⟧). Use it as free text?`,
            choices: [
              { key: 'y', name: 'yes, use it exactly as typed (it is passed as data)', value: true },
              { key: 'n', name: 'no, type it again', value: false },
            ],
          },
          ctx,
        ),
      ),
    askVar: (q) =>
      ask(() => {
        const message = `${q.name}${q.description ? ` (${q.description})` : ''}${q.secret ? ' [secret: hidden, never recorded]' : ''}:`;
        const validate = (v: string): string | true => q.validate(v) ?? true;
        return q.secret
          ? password({ message, mask: '*', validate }, ctx)
          : input({ message, ...(q.default !== undefined ? { default: q.default } : {}), validate }, ctx);
      }),
  };
}
