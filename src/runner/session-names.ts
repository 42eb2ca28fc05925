// Which `$NAME`s a runbook sets for itself: assigned, exported, read or captured by a command that runs before
// the first command that uses them. With a shell session those are not asked for before the run: they are
// asked only if still unset when a command that needs them is reached. Pure; reads commands with the one lexer.
import type { Runbook, Command } from '../runbook/model.js';
import { captureName } from '../runbook/attributes.js';
import { lex, type Word } from '../shell/lex.js';

const DECLARERS = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);
const NAME_AT_START = /^([A-Za-z_][A-Za-z0-9_]*)(?:\+?=|$)/;

/** The names a command's text assigns (`A=1`, `export A`, `declare -x A=1`, `read -r A B`). */
export function assignedNames(text: string): string[] {
  const names = new Set<string>();
  const add = (w: Word | undefined): void => {
    const m = w?.value != null ? NAME_AT_START.exec(w.value) : (w ? /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(w.raw) : null);
    if (m?.[1]) names.add(m[1]);
  };
  for (const cmd of lex(text).commands) {
    // `A=1 cmd` sets A for cmd only; `A=1` alone sets it in the shell.
    if (cmd.words.length === 0) for (const a of cmd.assignments) add(a);
    const first = cmd.words[0]?.value;
    if (first != null && DECLARERS.has(first)) for (const w of cmd.words.slice(1)) if (!w.raw.startsWith('-')) add(w);
    if (first === 'read' || first === 'mapfile' || first === 'readarray') {
      const args = cmd.words.slice(1);
      for (let i = 0; i < args.length; i++) {
        const w = args[i] as Word;
        if (w.raw.startsWith('-')) {
          // `read -a NAME` sets NAME; other options with a value (`-p PROMPT`, `-d DELIM`) skip it.
          if (first === 'read' && w.raw.endsWith('a')) add(args[++i]);
          else if ((first === 'read' ? /[dinNptu]$/ : /[dnOsuCc]$/).test(w.raw)) i++;
          continue;
        }
        add(w);
      }
    }
  }
  return [...names];
}

/** The names a command sets for the commands after it: what it assigns, and its capture. */
export function namesSetBy(c: Command): string[] {
  const capture = captureName(c.attributes);
  return [...(c.runnable ? assignedNames(c.text) : []), ...(capture !== undefined ? [capture] : [])];
}

/**
 * Names that a runnable command of the run sets before the first command that uses them. `fromStep`: only
 * commands from there on run; `sessionOn` false: only captures carry (assignments do not outlive a command).
 */
export function namesSetEarlier(rb: Runbook, fromStep: number, sessionOn: boolean): Set<string> {
  const set = new Set<string>();
  const used = new Set<string>();
  for (const s of rb.steps) {
    if (s.index < fromStep) continue;
    for (const c of s.commands) {
      if (!c.runnable) continue;
      for (const n of [...c.envRefs, ...c.placeholders]) used.add(n);
      const capture = captureName(c.attributes);
      for (const n of sessionOn ? namesSetBy(c) : capture !== undefined ? [capture] : []) if (!used.has(n)) set.add(n);
    }
  }
  return set;
}
