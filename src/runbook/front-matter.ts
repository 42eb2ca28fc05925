// Front-matter: split it from the body, read it as YAML, and validate each field on its own so one wrong
// value never hides the others. Pure.
import yaml from 'js-yaml';
import * as v from 'valibot';
import { compileRedactPattern } from './redact-pattern.js';
import type { Problem, Runbook, VarDecl } from './model.js';
import { isReservedName, RESERVED_SUMMARY } from './reserved-names.js';
import { parseDuration } from './attributes.js';

export interface FrontMatter {
  /** The YAML text between the delimiters ('' when there is none). */
  yaml: string;
  /** 1-based file line of the first YAML line. */
  firstLine: number;
  /** Markdown after the closing delimiter. */
  body: string;
  /** 0-based file line on which the body starts. */
  bodyLineOffset: number;
  format: 'yaml' | 'toml' | 'none';
}

/** Strip a UTF-8 BOM and normalise CRLF / CR line endings. */
export function normalizeText(text: string): string {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
}

/** Split `---` YAML (or Hugo `+++` TOML) front-matter from the body. Expects LF line endings. */
export function splitFrontMatter(text: string): FrontMatter {
  const none: FrontMatter = { yaml: '', firstLine: 1, body: text, bodyLineOffset: 0, format: 'none' };
  if (/^\{[ \t]*\n/.test(text)) return splitJson(text) ?? none;
  const delim = text.startsWith('---') ? '---' : text.startsWith('+++') ? '+++' : null;
  if (!delim) return none;
  const firstNl = text.indexOf('\n');
  if (firstNl < 0 || text.slice(0, firstNl).trim() !== delim) return none;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const l = (lines[i] as string).trimEnd();
    if (l === delim || (delim === '---' && l === '...')) {
      return {
        yaml: lines.slice(1, i).join('\n'),
        firstLine: 2,
        body: lines.slice(i + 1).join('\n'),
        bodyLineOffset: i + 1,
        format: delim === '---' ? 'yaml' : 'toml',
      };
    }
  }
  return none; // an unclosed delimiter is just Markdown (a thematic break)
}

/**
 * Hugo's JSON front-matter: a `{` line, the object, a `}` line. Only when it really is a JSON object (JSON is
 * YAML, so it is then read like YAML front-matter); anything else is Markdown.
 */
function splitJson(text: string): FrontMatter | undefined {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    if ((lines[i] as string).trimEnd() !== '}') continue;
    const json = lines.slice(0, i + 1).join('\n');
    try {
      const v: unknown = JSON.parse(json);
      if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    } catch {
      return undefined;
    }
    return { yaml: json, firstLine: 1, body: lines.slice(i + 1).join('\n'), bodyLineOffset: i + 1, format: 'yaml' };
  }
  return undefined;
}

/** What front-matter can say; the parser fills the rest of the Runbook from the Markdown. */
export type Meta = Pick<Runbook, 'tags' | 'services' | 'vars' | 'redact'> &
  Partial<Pick<Runbook, 'id' | 'title' | 'description' | 'severity' | 'owner' | 'lastReviewed' | 'timeoutMs'>>;

export interface MetaResult {
  meta: Meta;
  problems: Problem[];
  /** The YAML could not be read at all. */
  fatal: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const Str = v.string();
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

/** Pure: YAML text → metadata plus problems, each with a file line. */
export function readMeta(fm: FrontMatter, file: string): MetaResult {
  const meta: Meta = { tags: [], services: [], vars: [], redact: [] };
  const problems: Problem[] = [];
  const yamlLines = fm.yaml.split('\n');
  const findLine = (re: RegExp): number | undefined => {
    const i = yamlLines.findIndex((l) => re.test(l));
    return i < 0 ? undefined : fm.firstLine + i;
  };
  const lineOf = (key: string): number => findLine(new RegExp(`^${key}\\s*:`)) ?? fm.firstLine;
  const err = (rule: string, key: string, message: string, line = lineOf(key)): void => {
    problems.push({ file, line, severity: 'error', rule, message, field: key });
  };

  if (fm.format === 'toml') {
    // Hugo TOML front-matter: read the plain `key = "value"` lines we understand, nothing more.
    for (const l of yamlLines) {
      const m = /^\s*(title|description|id)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(l);
      if (m) meta[m[1] as 'title' | 'description' | 'id'] = (m[2] as string).replace(/\\(.)/g, '$1');
    }
    return { meta, problems, fatal: false };
  }
  if (fm.format === 'none' || fm.yaml.trim() === '') return { meta, problems, fatal: false };

  let data: unknown;
  try {
    // CORE_SCHEMA: dates stay text, so 2026-13-45 is an error instead of silently becoming 2027-02-14.
    data = yaml.load(fm.yaml, { filename: file, schema: yaml.CORE_SCHEMA });
  } catch (e) {
    const ye = e as { mark?: { line: number }; reason?: string; message: string };
    const line = fm.firstLine + (ye.mark?.line ?? 0);
    problems.push({ file, line, severity: 'error', rule: 'invalid-yaml', message: `invalid YAML front-matter: ${ye.reason ?? ye.message.split('\n')[0]}` });
    return { meta, problems, fatal: true };
  }
  if (data === null || data === undefined) return { meta, problems, fatal: false };
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ file, line: fm.firstLine, severity: 'error', rule: 'invalid-yaml', message: 'front-matter must be a mapping of fields' });
    return { meta, problems, fatal: true };
  }
  const d = data as Record<string, unknown>;

  const str = (key: 'id' | 'title' | 'description' | 'owner' | 'severity'): void => {
    if (d[key] === undefined || d[key] === null) return;
    const value = key === 'severity' && typeof d[key] === 'number' ? String(d[key]) : d[key];
    const r = v.safeParse(Str, value);
    if (r.success && r.output.trim() !== '') meta[key] = r.output.trim();
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
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? Date.parse(`${iso}T00:00:00Z`) : NaN;
    const valid = !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === iso;
    if (valid) meta.lastReviewed = iso;
    else err('bad-date', 'last_reviewed', `last_reviewed must be a date like 2026-10-01, not ${JSON.stringify(lr)}`);
  }

  if (d.timeout !== undefined && d.timeout !== null) {
    const ms = typeof d.timeout === 'string' || typeof d.timeout === 'number' ? parseDuration(d.timeout) : undefined;
    if (ms === undefined) err('field-type', 'timeout', `timeout must be a duration like 30s, 5m or 1h, not ${JSON.stringify(d.timeout)}`);
    else meta.timeoutMs = ms;
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
    const line = name
      ? (findLine(new RegExp(`^\\s*(?:-\\s+)?name\\s*:\\s*["']?${esc}["']?\\s*$`)) ?? findLine(new RegExp(`^\\s+${esc}\\s*:`)) ?? varsLine)
      : varsLine;
    const r = v.safeParse(VarSchema, entry);
    if (!r.success) {
      err('field-type', 'vars', `vars${name ? ` entry "${name}"` : ''}: ${firstIssue(r.issues)}`, line);
      continue;
    }
    const o = r.output;
    if (seen.has(o.name)) {
      err('field-type', 'vars', `variable "${o.name}" is declared twice`, line);
      continue;
    }
    seen.add(o.name);
    if (isReservedName(o.name))
      err('reserved-var', 'vars', `variable "${o.name}" may not be declared: it changes how the shell or an interpreter behaves (reserved: ${RESERVED_SUMMARY})`, line);
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
        err('invalid-pattern', 'pattern', `variable "${o.name}": pattern ${JSON.stringify(o.pattern)} is not a valid regular expression: ${(e as Error).message}`, line);
      }
    }
    meta.vars.push(decl);
  }
}

