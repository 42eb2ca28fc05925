// Markdown text → Runbook model, with the problems found on the way. Pure: no file system, no clock.
import { createRequire } from 'node:module';
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it/index.js';
import type { Check, Command, ParseResult, Problem, ProseBlock, Runbook, Step } from './model.js';
import { captureProblem, fenceLangAndRun, type FenceInfo, isFalse, isTrue, parseDuration, parseFenceInfo } from './attributes.js';
import { isReservedName } from './reserved-names.js';
import { judgeDanger } from './danger.js';
import { lineCount, normalizeText, readMeta, splitFrontMatter } from './front-matter.js';
import { angleNames, findEnvRefs, placeholderNames } from './shell-scan.js';

/**
 * SHA-256 (hex) of a runbook's text. node:crypto is loaded here, when a hash is made: a static import cost every
 * command that parses ~6 ms, list among them, which hashes nothing.
 */
function sha256Hex(text: string): string {
  const crypto = (process.getBuiltinModule?.('node:crypto') ?? createRequire(import.meta.url)('node:crypto')) as typeof import('node:crypto');
  return crypto.createHash('sha256').update(text).digest('hex');
}

// A static import: the bundle (scripts/build.mjs) makes markdown-it part of one chunk.
let md: MarkdownIt | undefined;
const parser = (): MarkdownIt => (md ??= withQuickNormalize(new MarkdownIt('commonmark')));
// Blocks only (no inline parse of every paragraph): for `list`, which needs front-matter, headings, fences and
// checklists. Nothing but inlineText reads inline children, and it parses a heading's inline itself.
let blockMd: MarkdownIt | undefined;
const blockParser = (): MarkdownIt => (blockMd ??= withQuickNormalize(new MarkdownIt('commonmark').disable(['inline', 'text_join'])));

/**
 * markdown-it's first rule (`normalize`) copies the text twice to replace CRs and NULs; our text has LF line
 * ends already (normalizeText), so this one does its two replaces only when there is something to replace.
 */
function withQuickNormalize(m: MarkdownIt): MarkdownIt {
  m.core.ruler.at('normalize', (state) => {
    if (/[\r\0]/.test(state.src)) state.src = state.src.replace(/\r\n?|\n/g, '\n').replace(/\0/g, '\uFFFD');
  });
  return m;
}

export interface ParseOptions {
  /** Skip the inline parse of paragraphs (the model is the same: only headings' text is inline-parsed). */
  blocksOnly?: boolean;
  /**
   * Only what `list` shows (implies blocksOnly): metadata, steps and which commands run. Each command and
   * checklist item is a shared placeholder that says only whether it runs (no text, id or line: nothing is
   * judged for danger nor scanned for placeholders), vars, redact, timeout and targets are not read (so their
   * problems are not reported), prose and intro are '' and sha256 is '' (list over 5,000 runbooks spent 1.8 s
   * of 4 s of CPU on those).
   */
  listing?: boolean;
}

export const SHELL_LANGS: ReadonlySet<string> = new Set(['', 'sh', 'bash', 'shell', 'zsh']);
export const CONSOLE_LANGS: ReadonlySet<string> = new Set(['console', 'shell-session', 'sh-session', 'shellsession', 'terminal', 'bash-session']);

export interface ParsedFile extends ParseResult {
  /** The front-matter could not be read: the runbook is unusable as given (list leaves it out). */
  fatal: boolean;
}

interface Section {
  title: string;
  line: number; // 1-based file line of the heading (or of the body start)
  startLine: number; // 0-based body line where the content starts
  endLine: number; // 0-based body line where it ends (exclusive)
  fences: Token[];
  checks: Check[];
  /** Started by a heading above the step level (a `#` among `##` steps). */
  upper?: boolean;
}

const basename = (path: string): string => (path.split('/').pop() ?? path).replace(/\.(md|markdown)$/i, '');


/** Parse a runbook's text. `path` names the file in problems and derives the id and title fallbacks. */
export function parseRunbook(input: string, path: string, options: ParseOptions = {}): ParsedFile {
  const source = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const text = normalizeText(source);
  const problems: Problem[] = [];
  const fm = splitFrontMatter(text);
  const metaResult = readMeta(fm, path, { listing: options.listing === true });
  problems.push(...metaResult.problems);
  const meta = metaResult.meta;

  const tokens = (options.blocksOnly || options.listing ? blockParser() : parser()).parse(fm.body, {});
  // Cut into lines only where prose is read: list reads none, and its sections need only the count.
  let lines: string[] | undefined;
  const bodyLines = (): string[] => (lines ??= fm.body.split('\n'));
  const lineTotal = lineCount(fm.body);
  const fileLine = (bodyLine: number): number => fm.bodyLineOffset + bodyLine + 1;

  // Which heading level makes steps: ## when there is any; else # when the document has several.
  const headings = tokens.filter((t) => t.type === 'heading_open' && t.level === 0);
  const h1s = headings.filter((t) => t.tag === 'h1');
  const hasH2 = headings.some((t) => t.tag === 'h2');
  const stepTag = hasH2 ? 'h2' : h1s.length > 1 ? 'h1' : null;
  const firstH1 = h1s[0];
  // The heading's inline is parsed only when it is the title (list over thousands of runbooks: ~5% of its time).
  const firstH1Text = firstH1 && meta.title === undefined ? inlineText(tokens[tokens.indexOf(firstH1) + 1]) : undefined;
  // With # as the step level, a leading # heading is still the title when front-matter has none.
  const h1IsTitle = stepTag === 'h1' && firstH1 !== undefined && meta.title === undefined && isFirstBlock(tokens, firstH1);

  const title = meta.title ?? firstH1Text ?? basename(path);
  const intro: Section = { title, line: fileLine(0), startLine: 0, endLine: lineTotal, fences: [], checks: [] };
  const sections: Section[] = [];
  let current = intro;

  // With ## as the step level, a # heading after the first step (`# Escalation`, `# Execution`) starts a
  // section of its own instead of running on inside the step above it; one with nothing in it is no step.
  const firstH2 = headings.find((t) => t.tag === 'h2');
  const upperEndsStep = (t: Token): boolean => stepTag === 'h2' && t.tag === 'h1' && firstH2 !== undefined && tokens.indexOf(t) > tokens.indexOf(firstH2);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'heading_open' && t.level === 0 && t.map) {
      if ((t.tag === stepTag && !(h1IsTitle && t === firstH1)) || upperEndsStep(t)) {
        current.endLine = t.map[0];
        // list shows no step titles: not parsed for it.
        current = { title: (options.listing ? '' : inlineText(tokens[i + 1])) || `Step ${sections.length + 1}`, line: fileLine(t.map[0]), startLine: t.map[1], endLine: lineTotal, fences: [], checks: [] };
        if (t.tag !== stepTag) current.upper = true;
        sections.push(current);
      } else if (t.tag === 'h1' && t === firstH1 && current === intro) {
        intro.startLine = t.map[1]; // the title line is not prose
      }
    } else if (t.type === 'fence') {
      current.fences.push(t);
    } else if (t.type === 'inline' && t.map && tokens[i - 1]?.type === 'paragraph_open' && tokens[i - 2]?.type === 'list_item_open') {
      // list needs only whether a section has checks (a step of its own before the first one): not their text.
      if (options.listing) {
        if (CHECK_ITEM.test(t.content)) current.checks.push(LISTED_CHECK);
        continue;
      }
      const m = /^\[( |x|X)\]\s+([\s\S]*)$/.exec(t.content);
      if (m) current.checks.push({ text: (m[2] as string).replace(/\s*\n\s*/g, ' ').trim(), line: fileLine(t.map[0]) });
    }
  }

  if (stepTag === null) {
    problems.push({ file: path, line: fileLine(0), severity: 'warning', rule: 'no-steps', message: 'no "## " sections: the whole runbook is one step (give each step a ## heading)' });
  }
  const hasWork = (s: Section): boolean => s.fences.length > 0 || s.checks.length > 0;
  const emptyUpper = (s: Section): boolean => s.upper === true && !hasWork(s) && proseBlocksOf(s, bodyLines(), fileLine).length === 0;
  for (let n = sections.length - 1; n >= 0; n--) if (emptyUpper(sections[n] as Section)) sections.splice(n, 1);
  // Content before the first step that has commands or checks becomes a step of its own, so nothing is lost.
  const stepSections = sections.length === 0 ? [intro] : hasWork(intro) ? [{ ...intro, title: 'Before you start' }, ...sections] : sections;
  const declared = new Set(meta.vars.map((v) => v.name));
  // list reads of a readable runbook's fences only their language and `run` (a broken one keeps every problem).
  const readInfo = options.listing && !metaResult.fatal ? fenceLangAndRun : parseFenceInfo;
  const steps: Step[] = stepSections.map((s, n) => buildStep(s, n + 1, bodyLines, fileLine, path, problems, declared, options.listing === true, readInfo));
  const introText = sections.length === 0 || hasWork(intro) || options.listing ? '' : proseBlocksOf(intro, bodyLines(), fileLine).map((b) => b.text).join('\n\n');

  const runbook: Runbook = {
    id: meta.id ?? basename(path),
    title,
    path,
    tags: meta.tags,
    services: meta.services,
    vars: meta.vars,
    redact: meta.redact,
    intro: introText,
    steps,
    source,
    sha256: options.listing ? '' : sha256Hex(source),
  };
  if (meta.description !== undefined) runbook.description = meta.description;
  if (meta.severity !== undefined) runbook.severity = meta.severity;
  if (meta.targetsRequired) runbook.targetsRequired = true;
  if (meta.owner !== undefined) runbook.owner = meta.owner;
  if (meta.lastReviewed !== undefined) runbook.lastReviewed = meta.lastReviewed;
  if (meta.timeoutMs !== undefined) runbook.timeoutMs = meta.timeoutMs;
  return { runbook, problems, fatal: metaResult.fatal };
}

function isFirstBlock(tokens: Token[], t: Token): boolean {
  const blockTypes = new Set(['fence', 'code_block', 'html_block', 'hr']);
  return tokens.find((x) => x.level === 0 && (x.type.endsWith('_open') || blockTypes.has(x.type))) === t;
}

function inlineText(t: Token | undefined): string {
  if (!t || t.type !== 'inline') return '';
  // Parsed without inline children (blocksOnly): parse this one.
  const children = t.children?.length ? t.children : (parser().parseInline(t.content, {})[0]?.children ?? []);
  // Headings may hold inline code or emphasis: keep the words, drop the markup.
  return children
    .map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' ? ' ' : ''))
    .join('')
    .trim();
}

const CHECK_LINE = /^\s*(?:[-*+]|\d+[.)]) \[[ xX]\]\s/;

/**
 * The section's Markdown without its heading, checklist lines and code fences, as the runs of prose between
 * them, each with its file line: the runner shows each just before the command or check that follows it.
 */
function proseBlocksOf(s: Section, bodyLines: string[], fileLine: (n: number) => number): ProseBlock[] {
  const skip = new Set<number>();
  for (const f of s.fences) if (f.map) for (let l = f.map[0]; l < f.map[1]; l++) skip.add(l);
  const blocks: ProseBlock[] = [];
  let current: string[] = [];
  let start = 0;
  const flush = (): void => {
    const text = current.join('\n').replace(/\n{3,}/g, '\n\n').trim();
    if (text) blocks.push({ line: fileLine(start), text });
    current = [];
  };
  for (let l = s.startLine; l < s.endLine; l++) {
    const line = bodyLines[l] as string;
    if (skip.has(l) || CHECK_LINE.test(line)) {
      flush();
      continue;
    }
    if (current.length === 0) start = l;
    current.push(line);
  }
  flush();
  return blocks;
}

function buildStep(
  s: Section,
  index: number,
  bodyLines: () => string[],
  fileLine: (n: number) => number,
  path: string,
  problems: Problem[],
  declared: ReadonlySet<string>,
  listing = false,
  readInfo: (info: string) => FenceInfo = parseFenceInfo,
): Step {
  const commands: Command[] = [];
  // For list: the same commands, as shared placeholders that say only whether they run (list reads no more).
  const make: typeof makeCommand = listing ? (_id, _text, _lang, runnable) => (runnable ? LISTED_RUNS : LISTED_SHOWN) : makeCommand;
  for (const f of s.fences) {
    const info = readInfo(f.info);
    const line = fileLine(f.map?.[0] ?? 0);
    if (info.error) problems.push({ file: path, line, severity: 'warning', rule: 'bad-attribute', message: info.error });
    const content = f.content.replace(/\n$/, '');
    const kind = blockKind(info.lang, content);
    const isConsole = kind === 'console';
    const pieces = isConsole
      ? splitConsole(content).map((p) => ({ ...p, line: line + 1 + p.offset }))
      : [{ text: content, line, offset: 0, output: undefined as string | undefined }];
    for (const p of pieces) {
      const runnable = kind !== 'text' && !isFalse(info.attributes.run);
      const cmd = make(`${index}.${commands.length + 1}`, p.text, info.lang, runnable, info.attributes, p.line, path, problems, declared);
      if (p.output !== undefined && p.output !== '' && !listing) cmd.sampleOutput = p.output;
      commands.push(cmd);
    }
    if (isConsole && pieces.length === 0) {
      // A console block of sample output only: shown, never run.
      commands.push(make(`${index}.${commands.length + 1}`, content, info.lang, false, info.attributes, line, path, problems, declared));
    }
  }
  const proseBlocks = listing ? [] : proseBlocksOf(s, bodyLines(), fileLine);
  return { index, title: s.title, prose: proseBlocks.map((b) => b.text).join('\n\n'), proseBlocks, checks: s.checks, commands, line: s.line };
}

function makeCommand(
  id: string,
  text: string,
  lang: string,
  runnable: boolean,
  attributes: Command['attributes'],
  line: number,
  path: string,
  problems: Problem[],
  declared: ReadonlySet<string>,
): Command {
  // A declared name is always a placeholder. An undeclared one only in a command that runs, and not when it is
  // a Go-template action (`{{end}}`, `{{else}}` in `-o go-template=…`); samples (Helm values, Hugo pages) are text.
  const placeholders = placeholderNames(text).filter((n) => declared.has(n) || (runnable && !GO_TEMPLATE_WORDS.has(n)));
  // `<node-name>` standing where a shell word stands is a variable too (node_name), asked for like {{node_name}}.
  if (runnable && (SHELL_LANGS.has(lang) || CONSOLE_LANGS.has(lang))) for (const n of angleNames(text)) if (!placeholders.includes(n)) placeholders.push(n);
  const cmd: Command = {
    id,
    text,
    lang,
    runnable,
    danger: false,
    attributes,
    line,
    placeholders,
    envRefs: runnable ? findEnvRefs(text) : [],
    interactive: isTrue(attributes.interactive),
    allowFailure: isTrue(attributes.allow_failure) || isTrue(attributes.allowFailure),
  };
  if (runnable) {
    // danger=true forces it; nothing in the file can turn a matched pattern off.
    const judged = judgeDanger({ attributes, ...(typeof attributes.shell === 'string' ? { shell: attributes.shell } : {}) }, text);
    cmd.danger = judged.danger;
    if (judged.reason !== undefined) cmd.dangerReason = judged.reason;
  }
  if (attributes.timeout !== undefined) {
    const ms = parseDuration(attributes.timeout);
    if (ms === undefined) problems.push({ file: path, line, severity: 'error', rule: 'bad-attribute', message: `timeout=${String(attributes.timeout)} is not a duration like 30s or 5m` });
    else cmd.timeoutMs = ms;
  }
  if (typeof attributes.cwd === 'string') cmd.cwd = attributes.cwd;
  if (typeof attributes.shell === 'string') cmd.shell = attributes.shell;
  const capture = runnable ? captureProblem(attributes, isReservedName) : undefined;
  if (capture) problems.push({ file: path, line, severity: 'error', rule: 'bad-attribute', message: capture });
  return cmd;
}

/** A command as list needs it (parse option `listing`): whether it runs; nothing of its text. Shared, so frozen. */
const listedCommand = (runnable: boolean): Command =>
  Object.freeze({ id: '', text: '', lang: '', runnable, danger: false, attributes: Object.freeze({}), line: 0, placeholders: Object.freeze([]) as unknown as string[], envRefs: Object.freeze([]) as unknown as string[], interactive: false, allowFailure: false });
const LISTED_RUNS = listedCommand(true);
const LISTED_SHOWN = listedCommand(false);
/** A checklist item as list needs it: that there is one. */
const LISTED_CHECK: Check = Object.freeze({ text: '', line: 0 });
const CHECK_ITEM = /^\[[ xX]\]\s/;

const GO_TEMPLATE_WORDS: ReadonlySet<string> = new Set(['end', 'else', 'range', 'if', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil']);

/**
 * A shell prompt a reader skips to get at the command: `$ `, `$> `, `user@host:~/dir$ `, `[user@host dir]$ `,
 * `root@host:~# `, `[root@host ~]# `, `sh-4.4# `, `bash-5.1$ `. A bare `# ` is a comment, never a root prompt.
 */
export const SHELL_PROMPT = /^\s*(?:\$>?|(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?|\[[\w.-]+@[\w.-]+[^\]]*\]|(?:ba|z)?sh-\d+(?:\.\d+)*)\s?[$#]) (.*)$/;
/** A prompt of another program (psql `db=# `, `db=> `, `mysql> `, `>>> `): what follows is not shell. */
const OTHER_PROMPT = /^\s*(?:[\w-]+[=-][#>]|mysql>|>>>|[\w-]+\(\w+\):\d+:\d+>) /;
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
/** A first line no shell command starts like: a digit (log time, address, size), a syslog date, a tree, a table header. */
const OUTPUT_LINE = new RegExp(`^\\s*(?:\\d|${MONTH}\\s+\\d{1,2}\\s+\\d{1,2}:\\d{2})|[─│├└┌┬┴┼]|^[A-Z][A-Z0-9_-]+(?:\\s{2,}[A-Z][A-Z0-9_()%-]*)+\\s*$`);

/**
 * What a fence is, read the way a person would: `console` (a transcript: `$ ` commands and their output),
 * `shell` (run as one script) or `text` (shown, never run). Shell fences that are plainly output are text; an
 * unlabelled fence is shell only when it does not look like something else (data, config, SQL, a table).
 */
function blockKind(lang: string, content: string): 'console' | 'shell' | 'text' {
  if (CONSOLE_LANGS.has(lang)) return 'console';
  if (!SHELL_LANGS.has(lang)) return 'text';
  // Comment lines (`# NAMESPACE=<from the alert>`) may come before the first prompt.
  const first = firstCommandLine(content);
  if (SHELL_PROMPT.test(first) || /^\s*\$>?$/.test(first)) return 'console';
  if (first === '' || OTHER_PROMPT.test(first) || OUTPUT_LINE.test(first)) return first === '' ? 'shell' : 'text';
  if (lang !== '') return 'shell';
  const word = first.trim().split(/\s/)[0] as string;
  // `Host web-1`, `SELECT …`, `ERROR: …`, `NAME  READY`: commands start in lower case (or with an assignment).
  if (/^[A-Z]/.test(word) && !word.includes('=')) return 'text';
  // `key: value` (YAML, an ssh or ini-like config) and JSON documents.
  if (/^[\w."'/-]+:(?:\s|$)/.test(first.trim())) return 'text';
  if (/^\s*[[{]/.test(first) && !/^\s*\[\[?\s/.test(first)) {
    try {
      JSON.parse(content);
      return 'text';
    } catch {
      /* not JSON: shell */
    }
  }
  return 'shell';
}

/** The block's first line that is neither blank nor a comment, or ''. Found line by line: blocks can be long. */
function firstCommandLine(content: string): string {
  for (let start = 0; start < content.length; ) {
    const nl = content.indexOf('\n', start);
    const end = nl < 0 ? content.length : nl;
    const line = content.slice(start, end);
    if (line.trim() !== '' && !/^\s*#/.test(line)) return line;
    start = end + 1;
  }
  return '';
}

export interface ConsolePiece {
  text: string;
  /** 0-based line within the block. */
  offset: number;
  output: string | undefined;
}

/** `$ cmd` lines (with `\` continuations joined) and the sample output that follows each. */
export function splitConsole(content: string): ConsolePiece[] {
  const lines = content.split('\n');
  const out: ConsolePiece[] = [];
  let outputLines: string[] | null = null;
  const flush = (): void => {
    const last = out[out.length - 1];
    if (last && outputLines) last.output = outputLines.join('\n').replace(/\n+$/, '');
    outputLines = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = SHELL_PROMPT.exec(line) ?? (/^\s*\$>?$/.test(line) ? ['', ''] : null);
    if (!m) {
      if (outputLines) outputLines.push(line);
      continue;
    }
    flush();
    const offset = i;
    let text = (m[1] ?? '').trimEnd();
    while (text.endsWith('\\') && i + 1 < lines.length) {
      i++;
      text = `${text.slice(0, -1).trimEnd()} ${(lines[i] as string).replace(/^\s*(?:> )?/, '').trim()}`.trimEnd();
    }
    if (text.trim() === '') continue;
    out.push({ text, offset, output: undefined });
    outputLines = [];
  }
  flush();
  return out;
}
