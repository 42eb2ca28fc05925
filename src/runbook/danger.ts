// Is a command destructive? Judged on what will run, through the one shell lexer: every simple command in
// every position (after ; && || |, then/do/else, !, { ( $( ) …), through wrappers (sudo, env, timeout, ssh,
// kubectl exec …, see danger-wrappers.ts), against the table in danger-table.ts. Pure.
import { lex, type Lexed, type SimpleCommand, type Word } from '../shell/lex.js';
import { isTrue } from './attributes.js';
import type { AttributeValue } from './model.js';
import { PROGRAM_RULES, TEXT_RULES, type ProgramRule } from './danger-table.js';
import { basename, SHELLS, unwrap } from './danger-wrappers.js';

export { PROGRAM_RULES, TEXT_RULES } from './danger-table.js';

export interface DangerFinding {
  /** The rule, as the docs list it. */
  name: string;
  /** The command that matched, one short line (what the operator is shown). */
  match: string;
  /** The program that makes it dangerous (`rm`, `kubectl`): what the operator types to run it. */
  program: string;
}

export interface DangerOptions {
  /** The value of a variable the command expands (`$TOOL`), when known: `$TOOL -rf x` with TOOL=rm is an rm. */
  lookup?: (name: string) => string | undefined;
}

type Lookup = (name: string) => string | undefined;

/** Wrappers in wrappers (`sudo sh -c "ssh h 'rm …'"`) are followed this deep. */
const MAX_DEPTH = 8;

/** The first destructive thing the command does, or undefined. */
export function findDanger(text: string, opts: DangerOptions = {}): DangerFinding | undefined {
  // Most commands name no dangerous program at all: a cheap look at their words spares lexing them (every
  // command of every runbook is judged when `list` reads a library). Values may name one: then always lex.
  if (!(opts.lookup && text.includes('$')) && !mayBeDangerous(text)) return undefined;
  return scan(text, opts.lookup ?? (() => undefined), 0);
}

const PIPED_INTO_A_SHELL = 'a script piped into a shell or an interpreter (… | sh)';
const INTERPRETERS: ReadonlySet<string> = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'lua', 'tclsh', 'osascript']);

// The programs of the table, and those a pipe may feed code to.
const PROGRAM_NAMES: ReadonlySet<string> = new Set([...PROGRAM_RULES.flatMap((r) => r.programs.filter((p): p is string => typeof p === 'string')), ...SHELLS, 'ssh', ...INTERPRETERS]);
const PROGRAM_PATTERNS: readonly RegExp[] = PROGRAM_RULES.flatMap((r) => r.programs.filter((p): p is RegExp => typeof p !== 'string'));
const TEXT_WORDS = /drop|truncate|delete|alter|_backend|remove|\/dev\/|\/proc\/sys|init\.d\//i;

/** Whether any word of the text, quotes and path removed (`r''m`, `"rm"`, `/bin/rm`), is a program of the table. */
function mayBeDangerous(text: string): boolean {
  if (TEXT_WORDS.test(text)) return true;
  for (const token of text.replace(/\\\n/g, '').split(/[\s;&|()<>{}`$=,!]+/)) {
    const word = basename(token.replace(/["'\\]/g, ''));
    if (PROGRAM_NAMES.has(word) || PROGRAM_PATTERNS.some((p) => p.test(word))) return true;
  }
  return false;
}

/** The name of the first rule the command matches, or undefined. */
export function matchDanger(text: string): string | undefined {
  return findDanger(text)?.name;
}

function scan(text: string, outer: Lookup, depth: number): DangerFinding | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const lexed = lex(text);
  const lookup = withAssignments(lexed, outer);
  for (const c of lexed.commands) {
    const piped = /(?:^|[^|])\|&?\s*$/.test(text.slice(Math.max(0, c.start - 100), c.start).replace(/\\\n/g, ''));
    const found = judgeArgv(argvOf(c, lookup), lookup, depth, piped);
    if (found) return found;
  }
  // A here-document fed to a shell (`ssh host <<'EOF'`, `bash <<EOF`) is a script too.
  for (const h of lexed.heredocs) {
    const owner = commandAt(lexed, h.op);
    if (!owner || !SHELLS_AND_SSH.has(innermost(argvOf(owner, lookup)))) continue;
    const found = scan(text.slice(h.bodyStart, h.bodyEnd), lookup, depth + 1);
    if (found) return found;
  }
  const blanked = Array.from(text, (ch, i) => (lexed.at[i]?.quote === 'comment' && ch !== '\n' ? ' ' : ch)).join('');
  for (const r of TEXT_RULES) {
    const re = new RegExp(r.re.source, `${r.re.flags.replace('g', '')}g`);
    for (let m = re.exec(blanked); m; m = re.exec(blanked)) {
      if (r.plainOnly && lexed.at[m.index]?.quote !== 'plain') continue;
      const owner = commandAt(lexed, m.index);
      const program = r.wordFromMatch ? r.wordFromMatch(m) : owner ? innermost(argvOf(owner, lookup)) : '';
      return { name: r.name, match: short(m[0]), program };
    }
  }
  return undefined;
}

/** `piped`: the command reads the output of the one before it (`… | sh`). */
function judgeArgv(argv: string[], lookup: Lookup, depth: number, piped = false): DangerFinding | undefined {
  if (argv.length === 0 || depth > MAX_DEPTH) return undefined;
  const prog = basename(argv[0] as string);
  const args = argv.slice(1);
  const rule = PROGRAM_RULES.find((r) => matches(r, prog, args, argv[0] as string));
  if (rule) return { name: rule.name, match: short(argv.join(' ')), program: prog };
  // What a pipe feeds to a shell or an interpreter is code nobody can read before it runs (`curl … | sh`).
  if (piped && readsCodeFromStdin(prog, args)) return { name: PIPED_INTO_A_SHELL, match: short(`| ${argv.join(' ')}`), program: prog };
  for (const inner of unwrap(argv) ?? []) {
    const found = 'argv' in inner ? judgeArgv(inner.argv, lookup, depth + 1, piped) : scan(inner.script, lookup, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A shell with neither `-c` nor a script file, `ssh host` without a command, an interpreter given no script. */
function readsCodeFromStdin(prog: string, args: string[]): boolean {
  const opts = args.filter((a) => a.startsWith('-') && a !== '-');
  const operands = args.filter((a) => !a.startsWith('-') || a === '-');
  if (SHELLS.has(prog)) return opts.some((o) => /^-[a-zA-Z]*s/.test(o)) || (!opts.some((o) => /^-[a-zA-Z]*c/.test(o)) && operands.length === 0);
  if (prog === 'ssh') return unwrap(['ssh', ...args])?.length === 0;
  if (INTERPRETERS.has(prog)) return operands.length === 0 || (operands.length === 1 && operands[0] === '-' && !opts.some((o) => /^-[cem]/.test(o)));
  return false;
}

function matches(r: ProgramRule, prog: string, args: string[], path: string): boolean {
  // A pattern may name a directory (`/etc/init.d/…`): it is tried on the path as written too.
  if (!r.programs.some((p) => (typeof p === 'string' ? p === prog : p.test(prog) || p.test(path)))) return false;
  if (r.unless && args.some((a) => r.unless?.test(a))) return false;
  if (r.arg && !args.some((a) => r.arg?.test(a))) return false;
  if (!r.sub) return true;
  const readings = positionals(args, r.valueOpts ?? []);
  return r.sub.some((pattern) => readings.some((pos) => subMatches(pattern, pos)));
}

function subMatches(pattern: string, pos: string[]): boolean {
  return pattern.split(' ').every((t, k) => {
    const p = pos[k]?.toLowerCase();
    if (p === undefined) return false;
    return t === '*' || (t.endsWith('*') ? p.startsWith(t.slice(0, -1)) : p === t);
  });
}

/**
 * The positional arguments, options left out. An option this table does not know may or may not take the
 * next word as its value (`etcdctl --endpoints URL del k`): both readings are returned, and either may match.
 */
function positionals(args: string[], valueOpts: readonly string[]): string[][] {
  return [false, true].map((unknownTakesValue) => {
    const pos: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === '--') return [...pos, ...args.slice(i + 1)];
      if (!a.startsWith('-') || a === '-') pos.push(a);
      else if (valueOpts.includes(a)) i++;
      else if (unknownTakesValue && !a.includes('=') && !(args[i + 1] ?? '-').startsWith('-')) i++;
    }
    return pos;
  });
}

/** The program at the bottom of a chain of wrappers: `sudo -u postgres psql` → psql. */
function innermost(argv: string[]): string {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const inner = unwrap(argv);
    const next = inner?.[0];
    if (!next || !('argv' in next) || next.argv.length === 0) break;
    argv = next.argv;
  }
  return basename(argv[0] ?? '');
}

const SHELLS_AND_SSH: ReadonlySet<string> = new Set([...SHELLS, 'ssh']);

/** The innermost command whose span holds `i`; in a here-document body, the command that reads it. */
function commandAt(lexed: Lexed, i: number): SimpleCommand | undefined {
  const h = lexed.heredocs.find((d) => i >= d.bodyStart && i < d.bodyEnd);
  if (h) i = h.op;
  // A command's span ends with its last word: its redirections (`> /dev/sda`, `<<EOF`) come after it.
  let inside: SimpleCommand | undefined;
  let last: SimpleCommand | undefined;
  for (const c of lexed.commands) {
    if (c.start > i) continue;
    if (i < c.end && (!inside || c.end - c.start < inside.end - inside.start)) inside = c;
    if (!last || c.start > last.start) last = c;
  }
  return inside ?? last;
}

function argvOf(c: SimpleCommand, lookup: Lookup): string[] {
  return c.words.map((w) => wordText(w, lookup));
}

/**
 * A word as the program will get it, as far as can be known without running anything: its literal value;
 * a lone `$NAME` / `"${NAME}"` replaced by its known value; `$(which rm)` as rm; else the text without quotes
 * (`"$DIR"/rm` still ends in rm). What cannot be known (`$(echo rm)`) is left as written.
 */
function wordText(w: Word, lookup: Lookup): string {
  if (w.value !== null) return w.value;
  const ref = /^"?\$\{?([A-Za-z_]\w*)\}?"?$/.exec(w.raw);
  const known = ref ? lookup(ref[1] as string) : undefined;
  if (known !== undefined) return known;
  const which = /^"?\$\((?:which|command -v|type -P)\s+([\w./+-]+)\)"?$/.exec(w.raw);
  if (which) return which[1] as string;
  return w.raw.replace(/["']/g, '');
}

/** Literal assignments of the script itself (`t=rm; $t -rf x`), then the values the runner knows. */
function withAssignments(lexed: Lexed, outer: Lookup): Lookup {
  const local = new Map<string, string>();
  for (const c of lexed.commands)
    for (const a of c.assignments) {
      const m = a.value === null ? null : /^([A-Za-z_]\w*)=(.*)$/s.exec(a.value);
      if (m) local.set(m[1] as string, m[2] as string);
    }
  return local.size === 0 ? outer : (name) => local.get(name) ?? outer(name);
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 59)}…` : one;
}

export interface DangerJudgement {
  danger: boolean;
  /** Why: "danger=true", the matching command, or the language it runs in. */
  reason?: string;
  /** The word the operator types to run it. */
  word: string;
}

/** Programs that never make a command dangerous, so never its confirmation word (`set -e⏎rm …` asks for rm). */
const NOT_THE_POINT: ReadonlySet<string> = new Set(['set', 'echo', 'printf', 'cd', 'pushd', 'popd', 'export', 'local', 'declare', 'typeset', 'readonly', 'true', 'false', ':', 'test', '[', '[[', 'sleep', 'read', 'shift', 'unset', 'trap', 'wait', 'exit', 'return', 'date', 'sh', 'bash']);

/**
 * Whether a command is dangerous as it will run (values filled in, after any edit), why, and the word that
 * approves it: the block's `name` when it has at least 4 characters, else the program that makes it dangerous.
 */
export function judgeDanger(c: { attributes: Record<string, AttributeValue>; shell?: string }, text: string, opts: DangerOptions = {}): DangerJudgement {
  const name = c.attributes.name;
  const named = typeof name === 'string' && name.length >= 4 && /^[\w.+-]+$/.test(name) ? name : undefined;
  const interpreter = c.shell === undefined ? undefined : basename(c.shell.trim().split(/\s+/)[0] ?? '');
  const forced = isTrue(c.attributes.danger);
  // Text the lexer cannot read (python3, node, …) could do anything: the operator approves it as such.
  if (interpreter !== undefined && !SHELLS.has(interpreter)) {
    const word = named ?? (typeWord(interpreter) || 'yes');
    return { danger: true, reason: forced ? 'danger=true' : `runs with ${interpreter}, not a shell: its commands are not checked`, word };
  }
  const found = findDanger(text, opts);
  const word = named ?? (typeWord(found?.program ?? '') || mainProgram(text) || 'yes');
  if (forced) return { danger: true, reason: 'danger=true', word };
  if (found) return { danger: true, reason: found.match, word };
  return { danger: false, word };
}

/** A program name the operator can type: plain characters only. */
function typeWord(s: string): string {
  return /^[\w.+-]+$/.test(s) ? s : '';
}

/** The first program of the text that is not a shell builtin like `set` or `echo` (a `danger=true` block's word). */
function mainProgram(text: string): string | undefined {
  const lexed = lex(text);
  for (const c of lexed.commands) {
    const prog = typeWord(innermost(argvOf(c, () => undefined)));
    if (prog && !NOT_THE_POINT.has(prog)) return prog;
  }
  return undefined;
}
