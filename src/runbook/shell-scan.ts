// Reads shell text just enough to know which `$NAME` references the shell would expand and which `{{name}}`
// placeholders sit in which quoting context. Not a shell parser: single quotes, double quotes, backslashes.

export type QuoteContext = 'none' | 'single' | 'double' | 'comment';

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
  context: QuoteContext;
}

/** Walk the text once, reporting the quote context at each index through `visit`. */
function walk(text: string, visit: (i: number, ctx: QuoteContext) => void): void {
  let ctx: QuoteContext = 'none';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    // A `#` that starts a word outside quotes starts a comment, to the end of the line.
    if (ctx === 'none' && c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1] as string))) ctx = 'comment';
    visit(i, ctx);
    if (ctx === 'comment') {
      if (c === '\n') ctx = 'none';
    } else if (ctx === 'single') {
      if (c === "'") ctx = 'none';
    } else if (c === '\\') {
      i++; // the next character is escaped (in none and double)
    } else if (ctx === 'double') {
      if (c === '"') ctx = 'none';
    } else if (c === "'") ctx = 'single';
    else if (c === '"') ctx = 'double';
  }
}

/** Each `{{name}}` with its position and quoting context. */
export function findPlaceholders(text: string): PlaceholderUse[] {
  const ctxAt: QuoteContext[] = new Array(text.length);
  walk(text, (i, ctx) => (ctxAt[i] = ctx));
  const uses: PlaceholderUse[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const start = m.index;
    uses.push({ name: m[1] as string, start, end: start + m[0].length, context: ctxAt[start] ?? 'none' });
  }
  return uses;
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

/** The bodies of quoted here-documents (`<<'EOF'`, `<<"EOF"`, `<<\\EOF`), where nothing expands, as spaces. */
function blankQuotedHeredocs(text: string): string {
  if (!text.includes('<<')) return text;
  const lines = text.split('\n');
  let delim: string | null = null;
  let strip = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (delim !== null) {
      if ((strip ? line.replace(/^\t+/, '') : line) === delim) delim = null;
      else lines[i] = ' '.repeat(line.length);
      continue;
    }
    const m = /<<(-?)\s*(?:'([^']+)'|"([^"]+)"|\\(\w+))/.exec(line);
    if (m) {
      delim = (m[2] ?? m[3] ?? m[4]) as string;
      strip = m[1] === '-';
    }
  }
  return lines.join('\n');
}

/**
 * Upper-case `$NAME` / `${NAME}` references that the shell would expand (outside single quotes), minus
 * well-known shell variables and names the command assigns itself.
 */
export function findEnvRefs(input: string): string[] {
  if (!input.includes('$')) return [];
  const found: string[] = [];
  const text = blankQuotedHeredocs(input);
  walk(text, (i, ctx) => {
    if (ctx === 'single' || ctx === 'comment' || text[i] !== '$') return;
    if (i > 0 && text[i - 1] === '\\') return;
    // The whole name, then the upper-case test: `$ABC_def` is not `$AB`, and `$RUNBOOK_VAR_x` is ours.
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[:}#%/\-+=?])|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i, i + 200));
    const name = m?.[1] ?? m?.[2];
    if (name && /^[A-Z_][A-Z0-9_]*$/.test(name) && /[A-Z]/.test(name) && !name.startsWith('RUNBOOK_VAR_')) found.push(name);
  });
  const assigned = assignedNames(text);
  return [...new Set(found)].filter((n) => !WELL_KNOWN.has(n) && !assigned.has(n));
}

/**
 * `<NAME>`-style placeholders a reader would fill in (`oc get node <NODE_NAME>`), outside quotes, where the shell
 * reads `<` and `>` as redirections, so lint points them out (inside quotes they are harmless text).
 */
export function findAngleArgs(text: string): string[] {
  const ctxAt: QuoteContext[] = new Array(text.length);
  walk(text, (i, ctx) => (ctxAt[i] = ctx));
  const names: string[] = [];
  for (const m of text.matchAll(/(?<![<\w])<([A-Za-z][\w.-]*)>(?![>\w])/g)) if (ctxAt[m.index] === 'none') names.push(`<${m[1] as string}>`);
  return [...new Set(names)];
}
