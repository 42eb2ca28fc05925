// What the runbook's shell text asks of us, read through the one shell lexer (src/shell/lex.ts): which
// `$NAME` references bash would expand, and which `{{name}}` placeholders stand in which context.
import { lex, type Context, type Lexed } from '../shell/lex.js';
import { isReservedName } from './reserved-names.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Shell and environment variables every shell or system provides: never asked for. */
const WELL_KNOWN = new Set([
  'HOME', 'PATH', 'USER', 'LOGNAME', 'SHELL', 'PWD', 'OLDPWD', 'TERM', 'LANG', 'LC_ALL', 'TMPDIR', 'HOSTNAME', 'UID',
  'EUID', 'PPID', 'RANDOM', 'SECONDS', 'LINENO', 'BASH', 'BASH_VERSION', 'BASHPID', 'IFS', 'PS1', 'PS2', 'PS4', 'OPTARG',
  'OPTIND', 'REPLY', 'PIPESTATUS', 'FUNCNAME', 'EDITOR', 'VISUAL', 'PAGER', 'DISPLAY', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME',
  'KUBECONFIG', 'COLUMNS', 'LINES', 'EPOCHSECONDS', 'EPOCHREALTIME', 'HOSTTYPE', 'OSTYPE', 'MACHTYPE', 'SHLVL', 'TZ',
]);

export interface PlaceholderUse {
  name: string;
  start: number;
  end: number;
  /** How bash reads the text where the placeholder stands. */
  context: Context;
}

/**
 * A `<word>` written for copy and paste (`kubectl get node <node-name>`): letters, digits, `_`, `-`, `.`,
 * closed by `>` with no space, not part of `<<`, `<(`, `2>&1` or a longer word.
 */
const ANGLE = /(?<![<\w])<([A-Za-z][\w.-]*)>(?![>\w])/g;

/** The variable an angle placeholder stands for: `<node-name>` is `node_name`. */
export const angleVarName = (word: string): string => word.replace(/[-.]/g, '_');

/** Angle placeholders standing where a shell word stands (unquoted: in quotes they are text). */
function angleUses(text: string, lexed: Lexed): PlaceholderUse[] {
  if (!text.includes('<')) return [];
  const uses: PlaceholderUse[] = [];
  for (const m of text.matchAll(ANGLE)) {
    const context = lexed.at[m.index] as Context;
    if (context.quote === 'plain') uses.push({ name: angleVarName(m[1] as string), start: m.index, end: m.index + m[0].length, context });
  }
  return uses;
}

/** Each `{{name}}` (and each `<name>` where a shell word stands) with its position and context. */
export function findPlaceholders(text: string, lexed: Lexed = lex(text)): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const start = m.index;
    uses.push({ name: m[1] as string, start, end: start + m[0].length, context: lexed.at[start] as Context });
  }
  const angles = angleUses(text, lexed);
  return angles.length === 0 ? uses : [...uses, ...angles].sort((a, b) => a.start - b.start);
}

/** The variables of a runnable command's angle placeholders, in order of first use. */
export function angleNames(text: string, lexed: Lexed = lex(text)): string[] {
  return [...new Set(angleUses(text, lexed).map((u) => u.name))];
}

export function placeholderNames(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/** Names the command assigns itself (`X=1`, `export X=`, `for X in`, `read X`, `local X`), so they are not asked for. */
function assignedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=/g)) names.add(m[1] as string);
  for (const m of text.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) names.add(m[1] as string);
  for (const m of text.matchAll(/\bread\s+((?:-\w+\s+(?:\S+\s+)?)*)([A-Za-z_][A-Za-z0-9_ ]*)/g)) {
    for (const n of (m[2] as string).trim().split(/\s+/)) names.add(n);
  }
  return names;
}

/** Whether an expanded name is one we would ask the operator for: upper-case, not ours, not the shell's. */
export function isAskableRef(name: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) && /[A-Z]/.test(name) && !WELL_KNOWN.has(name) && !name.startsWith('BASH_') && !isReservedName(name);
}

/**
 * Upper-case `$NAME` / `${NAME}` references that bash would expand (not in single quotes, comments or quoted
 * here-documents), minus well-known and reserved names and names the command assigns itself.
 */
export function findEnvRefs(input: string, lexed?: Lexed): string[] {
  if (!input.includes('$')) return [];
  const found = (lexed ?? lex(input)).params.map((p) => p.name).filter(isAskableRef);
  const assigned = assignedNames(input);
  return [...new Set(found)].filter((n) => !assigned.has(n));
}

/** `<NAME>`-style placeholders as written (`<NODE_NAME>`), for lint to point out. */
export function findAngleArgs(text: string, lexed: Lexed = lex(text)): string[] {
  return [...new Set(angleUses(text, lexed).map((u) => text.slice(u.start, u.end)))];
}
