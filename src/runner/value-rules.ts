// Which values a variable may take, by where it is used. Pure. docs/runbook-format.md states these rules.
//
// A value always reaches a command as data (an environment reference, see vars.ts), so quoting cannot be
// broken. Two things remain: a value the operator did not expect (a `$(…)` pasted by mistake), caught by the
// safe set; and commands that parse text again (arithmetic, eval, `sh -c STRING`, ssh's remote command…),
// where data becomes code a second time, so no value outside the safe set (or no non-integer) may go there.
import type { Runbook } from '../runbook/model.js';
import { lex, type Lexed, type SimpleCommand, type Word } from '../shell/lex.js';
import { findPlaceholders } from '../runbook/shell-scan.js';

export const SAFE_CHARS = 'letters, digits and ._:/@%+=,-';
const SAFE = /^[A-Za-z0-9._:/@%+=,-]*$/;
const UNSAFE_CHAR = /[^A-Za-z0-9._:/@%+=,-]/gu;
const INTEGER = /^(?:[+-]?[0-9]+)?$/;
/**
 * What bash runs when it evaluates a value as an arithmetic expression or as a variable name: a subscript
 * (`a[…]`) is expanded, `$(…)` and backticks included. A runbook can do that in ways no reading of its text
 * follows (`n=$PCT; (( n > 90 ))`, `declare -i n` then `n=$PCT`, `${!PCT}`, `printf -v "$PCT"`), so the
 * shape is refused in every value: a name's character right before `[`, then `$` or a backtick anywhere
 * after it. Without a name before it bash sees no subscript and runs nothing (checked with bash 5.2 for
 * `[$(…)]`, `a [$(…)]`, `0[…`, `a.b[…`), so JSON such as `"items": [{"$schema": …}]` passes.
 */
const EVALUATED = /[A-Za-z0-9_]\[[\s\S]*[$`]/;

export const isSafeValue = (value: string): boolean => SAFE.test(value);

/** The distinct characters outside the safe set, named so a terminal shows them: `"$"`, `space`, `newline`. */
export function unusualChars(value: string): string[] {
  const names = new Set<string>();
  for (const m of value.matchAll(UNSAFE_CHAR)) names.add(charName(m[0]));
  return [...names];
}

function charName(c: string): string {
  if (c === ' ') return 'space';
  if (c === '\n') return 'newline';
  if (c === '\t') return 'tab';
  if (c === '\0') return 'NUL';
  const code = c.codePointAt(0) ?? 0;
  if (/\p{C}/u.test(c)) return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  return JSON.stringify(c);
}

/** The value with every unusual character marked, for the operator to read before accepting it. */
export function markUnusual(value: string): string {
  return value.replace(UNSAFE_CHAR, (c) => `⟦${c === ' ' ? '␠' : c === '\n' ? '⏎' : /\p{C}/u.test(c) ? charName(c) : c}⟧`);
}

/** Where a variable's text is parsed again. */
export interface Reparse {
  name: string;
  /** The command's id, `2.1`. */
  command: string;
  why: 'arithmetic' | string;
}

const WRAPPERS = new Set(['sudo', 'doas', 'env', 'command', 'builtin', 'exec', 'nice', 'nohup', 'time', 'timeout', 'stdbuf', 'setsid', 'ionice', 'chrt', 'xargs']);
/** Options of a wrapper that take the next word as their argument (`sudo -u root`, `timeout -s KILL`). */
const OPTION_ARGS: Record<string, RegExp> = {
  sudo: /^-[A-Za-z]*[ugCDhprtUT]$/, doas: /^-[A-Za-z]*[uC]$/, env: /^-[A-Za-z]*[uCS]$/, nice: /^-n$/, timeout: /^-[sk]$/,
  ionice: /^-[cnp]$/, xargs: /^-[IEdLnPs]$/, stdbuf: /^-[ioe]$/,
};
/** Commands that run another command given in their words (`docker exec -i api sh`). */
const EXECUTORS = new Set(['docker', 'podman', 'kubectl', 'oc', 'crictl', 'nerdctl', 'nsenter', 'chroot', 'machinectl', 'systemd-run', 'lxc-attach', 'xargs', 'parallel']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'busybox', 'su', 'fish']);
const SSH_ARG_OPTIONS = /^-[46AaCfGgKkMNnqsTtVvXxYy]*[BbcDEeFIiJLlmOopQRSWw]$/;
const base = (w: Word | undefined): string | null => (w?.value == null ? null : (w.value.split('/').pop() ?? w.value));

/** The index of the command's own name: past wrappers and their options (`sudo -u root eval …` is eval). */
function commandStart(ws: Word[]): number {
  let k = 0;
  // Past wrappers and their options: `sudo -u root eval …` is still eval.
  while (k < ws.length && WRAPPERS.has(base(ws[k]) ?? '')) {
    const wrapper = base(ws[k]) as string;
    k++;
    for (;;) {
      const v = ws[k]?.value ?? '';
      if (wrapper === 'env' && /^[A-Za-z_]\w*=/.test(ws[k]?.raw ?? '')) k++;
      else if (/^-/.test(v)) k += OPTION_ARGS[wrapper]?.test(v) ? 2 : 1;
      else break;
    }
    if (wrapper === 'timeout' && k < ws.length) k++; // the duration
  }
  return k;
}

/** The words of one simple command that are parsed as shell text again, with why. */
export function reparsedWords(cmd: SimpleCommand): { word: Word; why: string }[] {
  const ws = cmd.words;
  const out: { word: Word; why: string }[] = [];
  const k = commandStart(ws);
  const first = base(ws[k]);
  const rest = ws.slice(k + 1);
  if (first === 'eval' || first === 'source' || first === '.' || first === 'watch') for (const word of rest) out.push({ word, why: first });
  // trap's action is run as shell text when the signal comes: `trap "echo $X" EXIT`.
  if (first === 'trap' && rest[0] && !/^-/.test(rest[0].value ?? '')) out.push({ word: rest[0], why: 'trap' });
  // flock FILE -c COMMAND runs COMMAND with sh -c.
  if (first === 'flock') for (let o = k + 1; o < ws.length - 1; o++) if (/^(-c|--command)$/.test(ws[o]?.value ?? '')) out.push({ word: ws[o + 1] as Word, why: 'flock -c' });
  if (first === 'ssh') {
    let j = k + 1;
    while (j < ws.length && /^-/.test(ws[j]?.value ?? '-')) j += SSH_ARG_OPTIONS.test(ws[j]?.value ?? '') ? 2 : 1;
    for (const word of ws.slice(j + 1)) out.push({ word, why: "ssh's remote command" });
  }
  // `sh -c STRING` anywhere in the words: kubectl exec … -- sh -c, docker exec … sh -c, xargs sh -c, su -c.
  for (let j = k; j < ws.length; j++) {
    const shell = base(ws[j]);
    if (!shell || !SHELLS.has(shell)) continue;
    for (let o = j + 1; o < ws.length && /^-/.test(ws[o]?.value ?? ''); o++)
      if (/^-[A-Za-z]*c[A-Za-z]*$/.test(ws[o]?.value ?? '') && ws[o + 1]) {
        out.push({ word: ws[o + 1] as Word, why: `${shell} -c` });
        break;
      }
  }
  return out;
}

/**
 * A shell that reads its commands from standard input (`| bash`, `sh <<EOF`, `bash -s`, `kubectl exec -i p --
 * sh`), named as a reason; null when the command has none. What reaches it (a pipe, a here-document, a
 * here-string) is parsed as shell text again, so every value in the block is.
 */
function shellReadingStdin(cmd: SimpleCommand): string | null {
  const ws = cmd.words;
  const k = commandStart(ws);
  // The shell is the command itself, or what a command runs in a container or elsewhere (`… -- sh`, `docker
  // exec -i c sh`): not a word that merely names one (`grep bash`).
  const runsOthers = EXECUTORS.has(base(ws[k]) ?? '');
  for (let j = k; j < ws.length; j++) {
    const shell = base(ws[j]);
    if (!shell || !SHELLS.has(shell) || shell === 'su' || shell === 'busybox') continue;
    if (j !== k && ws[j - 1]?.value !== '--' && !runsOthers) continue;
    let o = j + 1;
    let fromStdin = true;
    for (; o < ws.length; o++) {
      const v = ws[o]?.value ?? '';
      if (!/^-/.test(v)) break;
      if (/^-[A-Za-z]*c[A-Za-z]*$/.test(v)) fromStdin = false; // -c STRING: reparsedWords has it
      if (/^-[A-Za-z]*s[A-Za-z]*$/.test(v)) break; // -s: the rest are arguments; commands still come from stdin
      if (/^--?(rcfile|init-file|O|o)$/.test(v)) o++;
    }
    // A word after the options that is not after -s names a script file: it is read from there.
    const dashS = ws.slice(j + 1, o + 1).some((w) => /^-[A-Za-z]*s[A-Za-z]*$/.test(w.value ?? ''));
    if (fromStdin && (o >= ws.length || dashS)) return `${shell} reading its commands from standard input`;
  }
  return null;
}

/** Each position in `text` where a use of a name is parsed again: arithmetic, or a re-parsed word. */
function reparseAt(lexed: Lexed, reparsed: { word: Word; why: string }[], pos: number, text: string): string | null {
  if (lexed.at[pos]?.arith) return 'arithmetic';
  // `${X@P}` expands the value as a prompt string, command substitutions included.
  const param = lexed.params.find((p) => p.start === pos);
  if (param && /@P\}$/.test(text.slice(param.start, param.end))) return '${…@P}';
  for (const r of reparsed) if (pos >= r.word.start && pos < r.word.end) return r.why;
  return null;
}

/**
 * Names read bare in arithmetic: `$(( N + 1 ))`, `(( N > 5 ))`, `[[ N -gt 3 ]]`, `let x=N`, `a[N]=1`,
 * `${a[N]}`, `${s:N}`. Bash evaluates such a variable's value as an arithmetic expression in turn, and an
 * expression can hold a command (`x[$(touch pwned)]`): a bare name there is a use in arithmetic as `$N` is.
 * A name right after a digit or `#` is part of a number (`0x1f`, `16#ff`); after `$` or `{`, a parameter
 * expansion (Lexed.params has it).
 */
export function bareArithmeticNames(text: string, lexed: Lexed): { name: string; start: number }[] {
  const out: { name: string; start: number }[] = [];
  const word = /[A-Za-z0-9_]/;
  // The depth of the arithmetic itself: words of a `$( )` inside it (`$(( $(grep -c x f) ))`) are a command's.
  let runDepth = -1;
  for (let i = 0; i < text.length; i++) {
    const at = lexed.at[i];
    if (!at?.arith) {
      runDepth = -1;
      continue;
    }
    if (runDepth < 0 || at.depth < runDepth) runDepth = at.depth;
    if (!/[A-Za-z_]/.test(text[i] as string)) continue;
    let end = i + 1;
    while (end < text.length && word.test(text[end] as string) && lexed.at[end]?.arith) end++;
    const quoted = at.quote === 'single' || at.quote === 'ansi';
    if (!quoted && at.depth === runDepth && (i === 0 || !/[0-9#${]/.test(text[i - 1] as string))) out.push({ name: text.slice(i, end), start: i });
    i = end - 1;
  }
  return out;
}

/** Every place a variable (a placeholder or an implicit `$NAME`) of the runnable commands is parsed again. */
export function reparsedUses(rb: Pick<Runbook, 'steps'>, fromStep = 1): Reparse[] {
  const uses: Reparse[] = [];
  for (const s of rb.steps) {
    if (s.index < fromStep) continue;
    for (const c of s.commands) {
      if (!c.runnable) continue;
      const lexed = lex(c.text);
      const stdinShell = lexed.commands.map(shellReadingStdin).find((x) => x !== null) ?? null;
      // The command's re-parsed words, found once for all its uses.
      const reparsed = lexed.commands.flatMap(reparsedWords);
      for (const p of findPlaceholders(c.text, lexed)) {
        const why = reparseAt(lexed, reparsed, p.start, c.text) ?? stdinShell;
        if (why) uses.push({ name: p.name, command: c.id, why });
      }
      // Every `$name`, not only the ones the runbook asks for: a capture may have a lower-case name, and a command
      // that assigns a name (`CAP=${CAP:-0}`) still starts from its value.
      for (const p of lexed.params) {
        const why = reparseAt(lexed, reparsed, p.start, c.text) ?? stdinShell;
        if (why) uses.push({ name: p.name, command: c.id, why });
      }
      // Every variable reaches a command under its own name too (vars.ts commandEnv), so a bare name in
      // arithmetic reads a runbook variable or a capture as well: its value must be an integer.
      for (const n of bareArithmeticNames(c.text, lexed)) uses.push({ name: n.name, command: c.id, why: 'arithmetic' });
    }
  }
  return uses;
}

export interface ValuePolicy {
  /** Declared `type: text`, `--free-text NAME`, or accepted by the operator at the prompt. */
  freeText: boolean;
  integer: boolean;
  reparsed: readonly Reparse[];
}

/**
 * Why `value` may not be used for `name`, or null. `canAccept` is true when the only objection is characters
 * outside the safe set, which the operator may accept as free text.
 */
export function valueProblem(name: string, value: string, policy: ValuePolicy): { message: string; canAccept: boolean } | null {
  if (value.includes('\0')) return { message: `variable ${name} contains a NUL byte, which no command can receive`, canAccept: false };
  if (EVALUATED.test(value))
    return { message: `variable ${name} holds a subscript ("name[") with a "$" or a backtick after it: bash runs that as a command wherever the variable is read as a number or a name (as in a[$(cmd)]), so no value may hold it`, canAccept: false };
  if (policy.integer && !INTEGER.test(value)) return { message: `variable ${name} must be an integer (type: integer)`, canAccept: false };
  for (const r of policy.reparsed) {
    if (r.why === 'arithmetic' && !INTEGER.test(value))
      return { message: `variable ${name} is used in arithmetic in command ${r.command}, where its text is evaluated: its value must be an integer`, canAccept: false };
    if (r.why !== 'arithmetic' && !isSafeValue(value))
      return { message: `variable ${name} stands where its text is parsed as shell again (${r.why} in command ${r.command}): its value may hold only ${SAFE_CHARS} (it has ${unusualChars(value).join(' ')})`, canAccept: false };
  }
  if (!policy.freeText && !isSafeValue(value))
    return { message: `variable ${name} has characters outside ${SAFE_CHARS}: ${unusualChars(value).join(' ')} (declare it type: text, or pass --free-text ${name})`, canAccept: true };
  return null;
}
