// The operator's prompts through @inquirer/prompts: the only importer of inquirer. Every choice is a letter
// and Enter, so the runner can also be driven through a terminal by a script.
import { editor, expand, input, password, select } from '@inquirer/prompts';
import { AbortedError } from '../errors.js';
import { neutralize } from '../ui/neutralize.js';
import { renderInline } from '../ui/wrap.js';
import { plainStyle } from '../ui/style.js';
import type { CheckChoice, CommandChoice, FailureChoice, Prompter } from '../runner/ports.js';
import { findOnPath } from './shell.js';

export interface VarQuestion {
  name: string;
  description?: string;
  default?: string;
  /** The only values allowed: asked with a list to pick from. */
  choices?: string[];
  /** A regular expression the value must match: shown with the question. */
  pattern?: string;
  secret: boolean;
  validate(value: string): string | null;
}

/** The question for a variable: its name, what it is for, and what it must look like. */
export function varMessage(q: Pick<VarQuestion, 'name' | 'description' | 'pattern' | 'secret'>): string {
  // Name, description and pattern come from the runbook: shown, never obeyed.
  const about = q.description ? ` (${neutralize(q.description)})` : '';
  const shape = q.pattern !== undefined ? ` [must match /${neutralize(q.pattern)}/]` : '';
  return `${neutralize(q.name)}${about}${shape}${q.secret ? ' [secret: hidden, never recorded]' : ''}:`;
}

/**
 * The editor for a multi-line command: $VISUAL, else $EDITOR (as inquirer's editor prompt reads them), else
 * `vi`, else `nano`. Undefined when there is none.
 */
export function chooseEditor(env: NodeJS.ProcessEnv): string | undefined {
  if (env.VISUAL) return env.VISUAL;
  if (env.EDITOR) return env.EDITOR;
  return ['vi', 'nano'].find((e) => findOnPath(e, env.PATH) !== undefined);
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
export function createPrompter(
  io: { stdin: NodeJS.ReadableStream; stderr: NodeJS.WritableStream; stdout?: NodeJS.WritableStream },
  stop: AbortSignal,
): TerminalPrompter {
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
        // A game day's responder: in raw mode the terminal gave this Ctrl-C to us alone; the game counts it too.
        if (process.env.RUNBOOK_GAMEDAY_PID === String(process.ppid)) process.kill(process.ppid, 'SIGINT');
        const now = Date.now();
        if (now - lastCtrlC < 5000) throw new AbortedError('aborted with Ctrl-C');
        lastCtrlC = now;
        io.stderr.write('(Ctrl-C again to abort the run; q stops it too)\n');
      }
    }
  }

  /**
   * A multi-line command in the operator's editor: an inline line editor would keep only one of its lines.
   * inquirer's editor reads $VISUAL / $EDITOR from the process environment, so the fallback is set there
   * only while the editor is open (commands get the environment built when the run started).
   */
  async function editInEditor(current: string): Promise<string> {
    const chosen = chooseEditor(process.env);
    if (chosen === undefined) {
      io.stderr.write('no editor found to edit a multi-line command: set $VISUAL or $EDITOR (vi and nano are not on PATH)\n');
      return current;
    }
    // The editor inherits the runner's stdout: into a pipe (`run | tee`) it would draw where nobody sees it.
    if (io.stdout && !(io.stdout as NodeJS.WriteStream).isTTY) {
      io.stderr.write('stdout is not a terminal, so no editor can be shown: run without the pipe to edit a multi-line command\n');
      return current;
    }
    const saved = process.env.VISUAL;
    process.env.VISUAL = chosen;
    try {
      return await ask(() => editor({ message: 'Command to run (opens your editor):', default: current, postfix: '.sh', waitForUserInput: false }, ctx));
    } finally {
      if (saved === undefined) delete process.env.VISUAL;
      else process.env.VISUAL = saved;
    }
  }

  return {
    commandAction: ({ id: raw, danger, suggestions = 0 }) =>
      ask((id = neutralize(raw)) =>
        expand<CommandChoice>(
          {
            message: danger ? `${id} is DANGEROUS. Run it?` : `Run ${id}?`,
            choices: [
              { key: 'r', name: danger ? 'run (you will type a confirmation word)' : 'run', value: 'run' },
              { key: 's', name: 'skip', value: 'skip' },
              { key: 'e', name: 'edit the command first', value: 'edit' },
              { key: 'n', name: 'add a note to the timeline', value: 'note' },
              { key: 'q', name: 'stop the run', value: 'stop' },
              ...(suggestions > 0 ? [{ key: 'u' as const, name: `use the suggested command shown above (${suggestions} pending)`, value: 'suggestion' as const }] : []),
            ],
          },
          ctx,
        ),
      ),
    confirmDanger: async (word) => (await ask(() => input({ message: `Type "${neutralize(word)}" to run it (anything else cancels):` }, ctx))).trim() === word,
    // The command is edited as shown: a raw control in it becomes its visible picture.
    editCommand: (current) => {
      const shown = neutralize(current, { multiline: true });
      return shown.includes('\n') ? editInEditor(shown) : ask(() => input({ message: 'Command to run:', default: shown, prefill: 'editable' }, ctx));
    },
    note: () => ask(() => input({ message: 'Note:' }, ctx)),
    failureAction: ({ id: raw, interrupted, hosts }) =>
      ask((id = neutralize(raw), on = hosts ? neutralize(hosts.join(',')) : '') =>
        expand<FailureChoice>(
          {
            message: hosts ? `${id} failed on ${on}. What now?` : `${id} failed. What now?`,
            choices: [
              { key: 'r', name: hosts ? `retry on ${on} only` : 'retry', value: 'retry' },
              { key: 'e', name: hosts ? `edit and run again on ${on}` : 'edit and run again', value: 'edit' },
              { key: 'c', name: 'continue with the next command', value: 'continue' },
              { key: 'q', name: `stop the run (it ends as ${interrupted ? 'aborted' : 'failed'})`, value: 'stop' },
            ],
          },
          ctx,
        ),
      ),
    confirmCheck: (text) =>
      ask(() =>
        expand<CheckChoice>(
          {
            // Inline Markdown as `show` renders it (`code` without its backticks), after neutralising.
            message: `Done? ${renderInline(neutralize(text), plainStyle)}`,
            choices: [
              { key: 'y', name: 'yes, confirmed', value: 'confirm' },
              { key: 's', name: 'skip this check', value: 'skip' },
              { key: 'q', name: 'stop the run', value: 'stop' },
            ],
          },
          ctx,
        ),
      ),
    confirmTargets: (hosts) =>
      ask(() =>
        expand<boolean>(
          {
            message: `Run the remote blocks on ${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${neutralize(hosts.join(', '))}?`,
            choices: [
              { key: 'y', name: 'yes, these hosts', value: true },
              { key: 'n', name: 'no, stop the run', value: false },
            ],
          },
          ctx,
        ),
      ),
    acceptFreeText: (name, marked) =>
      ask(() =>
        expand<boolean>(
          {
            message: `${neutralize(name)} = ${neutralize(marked)}\n  has characters outside letters, digits and ._:/@%+=,- (marked ⟦ ⟧). Use it as free text?`,
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
        const message = varMessage(q);
        const validate = (v: string): string | true => q.validate(v) ?? true;
        if (q.secret) return password({ message, mask: '*', validate }, ctx);
        // A closed list is picked from, not typed: the operator sees every allowed value.
        if (q.choices?.length)
          return select({ message, choices: q.choices.map((c) => ({ name: neutralize(c), value: c })), ...(q.default !== undefined ? { default: q.default } : {}) }, ctx);
        return input({ message, ...(q.default !== undefined ? { default: neutralize(q.default) } : {}), validate }, ctx);
      }),
  };
}
