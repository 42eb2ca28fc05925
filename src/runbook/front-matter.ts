// Front-matter: split it from the body, read it as YAML, and validate each field on its own so one wrong
// value never hides the others. Pure.
import matter from 'gray-matter';
import yaml from 'js-yaml';
import * as v from 'valibot';
import { compileRedactPattern } from './redact-pattern.js';
import type { Problem, Runbook, VarDecl } from './model.js';
import { isReservedName, RESERVED_SUMMARY } from './reserved-names.js';
import { parseDuration } from './attributes.js';

export interface FrontMatter {
  /** The front-matter text as gray-matter cut it ('' when there is none); line 0 is the opening line's rest. */
  yaml: string;
  /** 1-based file line of the first line of `yaml`. */
  firstLine: number;
  /** Markdown after the closing delimiter. */
  body: string;
  /** 0-based file line on which the body starts. */
  bodyLineOffset: number;
  format: 'yaml' | 'toml' | 'none';
  /** What the front-matter says, as read by its engine (undefined when there is none or it is unreadable). */
  data?: unknown;
  /** The front-matter could not be read: the reason, and the file line. */
  error?: { line: number; reason: string };
}

/** Strip a UTF-8 BOM and normalise CRLF / CR line endings. */
export function normalizeText(text: string): string {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Most files have no CR at all: a search is cheaper than a replace that copies the text.
  return t.includes('\r') ? t.replace(/\r\n?/g, '\n') : t;
}

class EngineError extends Error {
  constructor(readonly line: number, readonly reason: string) {
    super(reason);
  }
}

// CORE_SCHEMA: dates stay text, so 2026-13-45 is an error instead of silently becoming 2027-02-14.
// js-yaml's mark.line counts from gray-matter's block, whose line 0 is the rest of the opening line.
function yamlEngine(text: string): object {
  try {
    return (yaml.load(text, { schema: yaml.CORE_SCHEMA }) ?? {}) as object;
  } catch (e) {
    const ye = e as { mark?: { line: number }; reason?: string; message: string };
    throw new EngineError(ye.mark?.line ?? 0, ye.reason ?? (ye.message.split('\n')[0] as string));
  }
}

/** Hugo TOML front-matter: the plain `key = "value"` lines we understand, nothing more. */
function tomlEngine(text: string): object {
  const data: Record<string, string> = {};
  for (const l of text.split('\n')) {
    const m = /^\s*(title|description|id)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(l);
    if (m) data[m[1] as string] = (m[2] as string).replace(/\\(.)/g, '$1');
  }
  return data;
}

// Every engine gray-matter may pick is ours: its default YAML engine (js-yaml 3) is never used.
const ENGINES = { yaml: yamlEngine, json: yamlEngine, toml: tomlEngine };

/**
 * Split `---` YAML (closed by `---` or `...`), `---json`, Hugo `+++` TOML or Hugo `{ … }` JSON front-matter
 * from the body, and read it, with gray-matter. Expects LF line endings. An unclosed block is just Markdown
 * (a thematic break).
 */
export function splitFrontMatter(text: string): FrontMatter {
  const none: FrontMatter = { yaml: '', firstLine: 1, body: text, bodyLineOffset: 0, format: 'none' };
  if (/^\{[ \t]*\n/.test(text)) return splitJson(text) ?? none;
  const firstNl = text.indexOf('\n');
  const opener = (firstNl < 0 ? text : text.slice(0, firstNl)).trim();
  const toml = opener === '+++';
  if (!toml && !/^---(yaml|yml|json)?$/.test(opener)) return none;
  // The closer: the first line after the opener that starts with `---` (or `+++`), or `...` for YAML.
  // `...` is looked for only before the first `---` (backwards from it): searched for from the opener, a closer
  // that is not there cost a scan of the whole file, several times (list reads thousands of files).
  const dashes = toml ? '+++' : '---';
  let closer = dashes;
  let closerAt = text.indexOf(`\n${dashes}`, firstNl);
  if (!toml && text.lastIndexOf('\n...', closerAt < 0 ? text.length : closerAt) >= firstNl) [closer, closerAt] = ['...', text.indexOf('\n...', firstNl)];
  if (firstNl < 0 || closerAt < 0) return none;
  const format = toml ? 'toml' : 'yaml';
  // gray-matter gets the block only, up to the end of the closing line (it copies and looks up in its cache
  // the whole text it is given; for list over thousands of files that was a fifth of the time).
  const closeLineEnd = text.indexOf('\n', closerAt + 1);
  const head = closeLineEnd < 0 ? text : text.slice(0, closeLineEnd);
  const rest = { firstLine: 1, body: closeLineEnd < 0 ? '' : text.slice(closeLineEnd + 1), bodyLineOffset: lineCount(head) };
  const options = { delimiters: [dashes, closer], engines: ENGINES, ...(toml ? { language: 'toml' } : {}) };
  try {
    const file = matter(head, options as never) as unknown as { data: unknown; matter: string };
    return { ...rest, yaml: file.matter, format, data: file.data };
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    // The block as gray-matter cuts it, without data: re-cut with engines that read nothing.
    const raw = matter(head, { ...options, engines: { yaml: () => ({}), json: () => ({}), toml: () => ({}) } } as never) as unknown as { matter: string };
    return { ...rest, yaml: raw.matter, format, error: { line: 1 + e.line, reason: e.reason } };
  }
}

/** Lines in `s` (a final line without a newline counts): `s.split('\n').length` without the strings. */
export function lineCount(s: string): number {
  let n = 1;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Hugo's JSON front-matter: a `{` line, the object, a `}` line. Only when it really is a JSON object (gray-matter
 * has no delimiter for it: the braces belong to the data); anything else is Markdown.
 */
function splitJson(text: string): FrontMatter | undefined {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    if ((lines[i] as string).trimEnd() !== '}') continue;
    const json = lines.slice(0, i + 1).join('\n');
    let data: unknown;
    try {
      data = JSON.parse(json);
      if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
    } catch {
      return undefined;
    }
    return { yaml: json, firstLine: 1, body: lines.slice(i + 1).join('\n'), bodyLineOffset: i + 1, format: 'yaml', data };
  }
  return undefined;
}

/**
 * A day of the calendar written YYYY-MM-DD: 2026-02-28 is, 2026-02-29 and 2026-13-45 are not. The same days as a
 * round trip through Date.parse and toISOString, without the two Dates (a tenth of list's front-matter time).
 */
export function isCalendarDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [y, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}

/** What front-matter can say; the parser fills the rest of the Runbook from the Markdown. */
export type Meta = Pick<Runbook, 'tags' | 'services' | 'vars' | 'redact'> &
  Partial<Pick<Runbook, 'id' | 'title' | 'description' | 'severity' | 'owner' | 'lastReviewed' | 'timeoutMs' | 'targetsRequired'>>;

export interface MetaResult {
  meta: Meta;
  problems: Problem[];
  /** The YAML could not be read at all. */
  fatal: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const Scalar = v.union([v.string(), v.number(), v.boolean()]);
const StrList = v.union([v.array(Scalar), v.string()]);
const VarSchema = v.object({
  name: v.pipe(v.string(), v.regex(IDENT, 'must be a name of letters, digits and _ (not starting with a digit)')),
  description: v.optional(v.string()),
  default: v.optional(v.nullable(Scalar)),
  required: v.optional(v.boolean()),
  pattern: v.optional(v.string()),
  choices: v.optional(v.array(Scalar)),
  secret: v.optional(v.boolean()),
  type: v.optional(v.picklist(['text', 'integer', 'string'], 'must be text, integer or string')),
});

function firstIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const i = issues[0];
  if (!i) return 'invalid value';
  const path = i.path?.map((p) => String(p.key)).join('.');
  return path ? `${path}: ${i.message}` : i.message;
}

/**
 * Pure: YAML text → metadata plus problems, each with a file line. `listing`: only what `list` shows and filters
 * on (id, title, description, owner, severity, tags, services, last_reviewed); the other fields are not read,
 * so their problems are not reported (list reports only an unreadable front-matter).
 */
export function readMeta(fm: FrontMatter, file: string, { listing = false } = {}): MetaResult {
  const meta: Meta = { tags: [], services: [], vars: [], redact: [] };
  const problems: Problem[] = [];
  // Split only when a problem needs its line (list reads thousands of front-matters with none).
  let yamlLines: string[] | undefined;
  const findLine = (re: RegExp): number | undefined => {
    const i = (yamlLines ??= fm.yaml.split('\n')).findIndex((l) => re.test(l));
    return i < 0 ? undefined : fm.firstLine + i;
  };
  const lineOf = (key: string): number => findLine(new RegExp(`^${key}\\s*:`)) ?? fm.firstLine;
  const err = (rule: string, key: string, message: string, line = lineOf(key)): void => {
    problems.push({ file, line, severity: 'error', rule, message, field: key });
  };

  if (fm.error) {
    problems.push({ file, line: fm.error.line, severity: 'error', rule: 'invalid-yaml', message: `invalid YAML front-matter: ${fm.error.reason}` });
    return { meta, problems, fatal: true };
  }
  const data = fm.data;
  if (fm.format === 'toml') {
    Object.assign(meta, data);
    return { meta, problems, fatal: false };
  }
  if (fm.format === 'none' || data === null || data === undefined) return { meta, problems, fatal: false };
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ file, line: fm.firstLine, severity: 'error', rule: 'invalid-yaml', message: 'front-matter must be a mapping of fields' });
    return { meta, problems, fatal: true };
  }
  const d = data as Record<string, unknown>;

  const str = (key: 'id' | 'title' | 'description' | 'owner' | 'severity'): void => {
    if (d[key] === undefined || d[key] === null) return;
    const value = key === 'severity' && typeof d[key] === 'number' ? String(d[key]) : d[key];
    // A plain typeof: valibot's safeParse of a string schema built a result object per field (list reads five
    // fields of thousands of runbooks).
    if (typeof value === 'string' && value.trim() !== '') meta[key] = value.trim();
    else err('field-type', key, `${key} must be text`);
  };
  str('id');
  str('title');
  str('description');
  str('owner');
  str('severity');
  if (meta.id !== undefined && !/^[\w][\w.-]*$/.test(meta.id)) {
    err('field-type', 'id', `id "${meta.id}" must be letters, digits, '.', '_' or '-' (it names the runbook on the command line)`);
    meta.id = undefined;
  }

  for (const key of ['tags', 'services'] as const) {
    if (d[key] === undefined || d[key] === null) continue;
    const r = v.safeParse(StrList, d[key]);
    if (!r.success) err('field-type', key, `${key} must be a list of words`);
    else meta[key] = (typeof r.output === 'string' ? r.output.split(',') : r.output.map(String)).map((s) => String(s).trim()).filter(Boolean);
  }

  const lr = d.last_reviewed;
  if (lr !== undefined && lr !== null) {
    const iso = lr instanceof Date && !Number.isNaN(lr.getTime()) ? lr.toISOString().slice(0, 10) : typeof lr === 'string' ? lr.trim() : '';
    if (isCalendarDate(iso)) meta.lastReviewed = iso;
    else err('bad-date', 'last_reviewed', `last_reviewed must be a date like 2026-10-01, not ${JSON.stringify(lr)}`);
  }
  if (listing) return { meta, problems, fatal: false };

  if (d.timeout !== undefined && d.timeout !== null) {
    const ms = typeof d.timeout === 'string' || typeof d.timeout === 'number' ? parseDuration(d.timeout) : undefined;
    if (ms === undefined) err('field-type', 'timeout', `timeout must be a duration like 30s, 5m or 1h, not ${JSON.stringify(d.timeout)}`);
    else meta.timeoutMs = ms;
  }

  if (d.targets !== undefined && d.targets !== null) {
    if (d.targets === 'required') meta.targetsRequired = true;
    else if (d.targets !== 'optional') err('field-type', 'targets', `targets must be "required" or "optional", not ${JSON.stringify(d.targets)}`);
  }

  if (d.vars !== undefined && d.vars !== null) readVars(d.vars, meta, err, lineOf, findLine);

  if (d.redact !== undefined && d.redact !== null) {
    const list = typeof d.redact === 'string' ? [d.redact] : Array.isArray(d.redact) ? d.redact : null;
    if (!list) err('field-type', 'redact', 'redact must be a list of regular expressions');
    else
      for (const p of list) {
        if (typeof p !== 'string') {
          err('field-type', 'redact', 'redact entries must be text');
          continue;
        }
        const compiled = compileRedactPattern(p);
        if ('error' in compiled) err('invalid-pattern', 'redact', `redact pattern ${JSON.stringify(p)} cannot be used: ${compiled.error}`);
        else meta.redact.push(p);
      }
  }
  return { meta, problems, fatal: false };
}

function readVars(
  raw: unknown,
  meta: Meta,
  err: (rule: string, key: string, message: string, line?: number) => void,
  lineOf: (key: string) => number,
  findLine: (re: RegExp) => number | undefined,
): void {
  // Both a list of {name, ...} and a mapping {name: {...}} are accepted.
  let entries: unknown[];
  if (Array.isArray(raw)) entries = raw;
  else if (typeof raw === 'object' && raw !== null)
    entries = Object.entries(raw as Record<string, unknown>).map(([name, spec]) =>
      spec && typeof spec === 'object' ? { name, ...(spec as object) } : { name, default: spec },
    );
  else return err('field-type', 'vars', 'vars must be a list of {name, description, default, ...}');

  const varsLine = lineOf('vars');
  const seen = new Set<string>();
  for (const entry of entries) {
    const name = entry && typeof entry === 'object' && 'name' in entry ? String((entry as { name: unknown }).name) : '';
    // `- name: <name>` in the list form, `  <name>:` in the mapping form; else the vars key itself.
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Only a problem needs the line: found then (two regular expressions a variable cost list 0.2 s over 5,000 runbooks).
    let found: number | undefined;
    const lineOfVar = (): number =>
      (found ??= name
        ? (findLine(new RegExp(`^\\s*(?:-\\s+)?name\\s*:\\s*["']?${esc}["']?\\s*$`)) ?? findLine(new RegExp(`^\\s+${esc}\\s*:`)) ?? varsLine)
        : varsLine);
    const r = v.safeParse(VarSchema, entry);
    if (!r.success) {
      err('field-type', 'vars', `vars${name ? ` entry "${name}"` : ''}: ${firstIssue(r.issues)}`, lineOfVar());
      continue;
    }
    const o = r.output;
    if (seen.has(o.name)) {
      err('field-type', 'vars', `variable "${o.name}" is declared twice`, lineOfVar());
      continue;
    }
    seen.add(o.name);
    if (isReservedName(o.name))
      err('reserved-var', 'vars', `variable "${o.name}" may not be declared: it changes how the shell or an interpreter behaves (reserved: ${RESERVED_SUMMARY})`, lineOfVar());
    const decl: VarDecl = { name: o.name, required: o.required ?? false, secret: o.secret ?? false };
    if (o.type) decl.type = o.type;
    if (o.description) decl.description = o.description;
    if (o.default !== undefined && o.default !== null) decl.default = String(o.default);
    if (o.choices) decl.choices = o.choices.map(String);
    if (o.pattern !== undefined) {
      try {
        new RegExp(o.pattern);
        decl.pattern = o.pattern;
      } catch (e) {
        err('invalid-pattern', 'pattern', `variable "${o.name}": pattern ${JSON.stringify(o.pattern)} is not a valid regular expression: ${(e as Error).message}`, lineOfVar());
      }
    }
    meta.vars.push(decl);
  }
}

