// Variables: where each value comes from, validation, and getting values into commands safely. Pure.
import type { Runbook, VarDecl } from '../runbook/model.js';
import type { VarSource } from '../timeline/events.js';
import { angleVarName, findPlaceholders, type PlaceholderUse } from '../runbook/shell-scan.js';
import { lex, type Context, type Heredoc } from '../shell/lex.js';

export interface VarNeed {
  name: string;
  decl?: VarDecl;
  /** Undeclared upper-case `$NAME` referenced by a command. */
  implicit: boolean;
}

export interface ResolvedVar {
  name: string;
  value: string;
  source: VarSource;
  secret: boolean;
}

/** Declared vars, then undeclared `$NAME` references of the runnable commands of the steps to run. */
export function varsNeeded(rb: Runbook, fromStep = 1): VarNeed[] {
  const needs: VarNeed[] = rb.vars.map((decl) => ({ name: decl.name, decl, implicit: false }));
  const known = new Set(needs.map((n) => n.name));
  for (const s of rb.steps) {
    if (s.index < fromStep) continue;
    for (const c of s.commands)
      for (const name of c.envRefs)
        if (c.runnable && !known.has(name)) {
          known.add(name);
          needs.push({ name, implicit: true });
        }
  }
  return needs;
}

/** Check a value against a declaration; returns a message, or null when it is fine. */
export function validateVar(need: VarNeed, value: string): string | null {
  const d = need.decl;
  if (!d) return value === '' ? `${need.name} needs a value` : null;
  if (d.choices && !d.choices.includes(value)) return `${d.name} must be one of ${d.choices.join(', ')} (got ${d.secret ? 'a secret value' : JSON.stringify(value)})`;
  if (d.pattern !== undefined && !new RegExp(d.pattern).test(value))
    return `${d.name} must match /${d.pattern}/ (got ${d.secret ? 'a secret value' : JSON.stringify(value)})`;
  if (d.type === 'integer' && !/^[+-]?[0-9]+$/.test(value) && !(value === '' && !d.required)) return `${d.name} must be an integer (type: integer)`;
  if (d.required && value === '') return `${d.name} is required`;
  return null;
}

/** `--var NAME=VALUE` list → map (names are data: `constructor` is a name like any other); malformed entries are errors. */
export function parseVarFlags(flags: string[]): { values: Map<string, string>; errors: string[] } {
  const values = new Map<string, string>();
  const errors: string[] = [];
  for (const f of flags) {
    const eq = f.indexOf('=');
    const written = eq > 0 ? f.slice(0, eq) : '';
    // `--var node-name=w3` names the placeholder `<node-name>` as written in the runbook (variable node_name).
    const name = /^[A-Za-z][\w.-]*$/.test(written) ? angleVarName(written) : written;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) errors.push(`--var ${JSON.stringify(f)}: expected NAME=VALUE`);
    else values.set(name, f.slice(eq + 1));
  }
  return { values, errors };
}

/** The value a need gets without asking: flag, environment, default. Undefined when it must be asked for. */
export function presetValue(need: VarNeed, flags: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): { value: string; source: VarSource } | undefined {
  const flag = flags.get(need.name);
  if (flag !== undefined) return { value: flag, source: 'flag' };
  const e = Object.prototype.hasOwnProperty.call(env, need.name) ? env[need.name] : undefined;
  if (e !== undefined && (e !== '' || !need.implicit)) return { value: e, source: 'env' };
  if (need.decl?.default !== undefined) return { value: need.decl.default, source: 'default' };
  return undefined;
}

/** Environment variable that carries a placeholder's value to the shell (never spliced as code). */
export const varEnvName = (name: string): string => `RUNBOOK_VAR_${name}`;

/** One single-quoted shell word holding exactly `value`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The reference that stands for a placeholder in a context: the value arrives through the environment. */
function referenceFor(c: Context, name: string): string {
  const ref = `\${${varEnvName(name)}}`;
  if (c.quote === 'single') return `'"${ref}"'`;
  if (c.quote === 'ansi') return `'"${ref}"$'`;
  // Unquoted arithmetic gets a bare reference (dash reads no quotes there): its value was checked to be an integer.
  if (c.quote === 'plain') return c.arith ? ref : `"${ref}"`;
  // double, an unquoted here-document body, a comment (nothing expands there and no newline can enter).
  return ref;
}

/** A value that cannot be put into a command safely; the command is recorded as not started. */
export class UnsafeValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeValueError';
  }
}

/**
 * A quoted here-document (`<<'EOF'`) expands nothing, so a reference in it would stay text: it becomes an
 * unquoted one whose body has every `\`, `$` and backtick escaped (the same literal text), with references
 * where the placeholders stand. Refused when its delimiter cannot be written unquoted.
 */
function rewriteQuotedHeredoc(text: string, h: Heredoc, uses: PlaceholderUse[]): Edit[] {
  const m = /^((?:\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?<<-?[ \t]*)('[^'\n]*'|"[^"\n]*"|(?:\\.|[^\s;&|<>()'"])+)/.exec(text.slice(h.op));
  if (!m || !/^[A-Za-z0-9_.-]+$/.test(h.delim))
    throw new UnsafeValueError(`a value cannot be passed into the here-document ending ${JSON.stringify(h.delim)}: write its delimiter as a plain word`);
  const edits: Edit[] = [{ start: h.op + (m[1] as string).length, end: h.op + m[0].length, text: h.delim }];
  const inside = uses.filter((p) => p.start >= h.bodyStart && p.start < h.bodyEnd);
  let k = h.bodyStart;
  for (const p of [...inside, { start: h.bodyEnd, end: h.bodyEnd, name: '' }]) {
    for (; k < p.start; k++) if (/[\\$`]/.test(text[k] as string)) edits.push({ start: k, end: k, text: '\\' });
    if (p.name) edits.push({ start: p.start, end: p.end, text: `\${${varEnvName(p.name)}}` });
    k = p.end;
  }
  return edits;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = '';
  let last = 0;
  for (const e of edits.sort((a, b) => a.start - b.start || a.end - b.end)) {
    out += text.slice(last, e.start) + e.text;
    last = e.end;
  }
  return out + text.slice(last);
}

/**
 * Shell text with each `{{name}}` that has a value replaced by a reference to the command's environment, in
 * the form its context needs: the value itself never becomes part of the script (see docs/running.md).
 * Unknown names are left as written (lint reports them).
 */
export function renderForShell(text: string, values: ReadonlyMap<string, string>): string {
  const lexed = lex(text);
  const uses = findPlaceholders(text, lexed).filter((p) => values.has(p.name));
  if (uses.length === 0) return text;
  const edits: Edit[] = [];
  for (const h of lexed.heredocs)
    if (h.quoted && uses.some((p) => p.start >= h.bodyStart && p.start < h.bodyEnd)) edits.push(...rewriteQuotedHeredoc(text, h, uses));
  for (const p of uses) if (p.context.quote !== 'quoted-heredoc') edits.push({ start: p.start, end: p.end, text: referenceFor(p.context, p.name) });
  return applyEdits(text, edits);
}

/** What the operator reads: values filled in, secrets masked. */
export function renderForDisplay(text: string, vars: ReadonlyMap<string, ResolvedVar>): string {
  const edits: Edit[] = [];
  for (const p of findPlaceholders(text)) {
    const v = vars.get(p.name);
    if (v !== undefined) edits.push({ start: p.start, end: p.end, text: v.secret ? '[secret]' : shownAs(v.value, p.context) });
  }
  return applyEdits(text, edits);
}

/**
 * A value written the way the shell would read it back as that same value where it stands, so what the operator
 * reads is what runs: `"{{v}}"` with `$(x)` in it shows as `"\$(x)"`, not as a command substitution.
 */
function shownAs(v: string, c: Context): string {
  switch (c.quote) {
    case 'plain':
      return v === '' || /[^A-Za-z0-9._:/@%+=,-]/.test(v) ? shellQuote(v) : v;
    case 'double':
      return v.replace(/[\\$`"]/g, '\\$&');
    case 'heredoc':
      return v.replace(/[\\$`]/g, '\\$&');
    case 'single':
      return v.replace(/'/g, `'\\''`);
    case 'ansi':
      return v.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n');
    case 'comment':
      return v.replace(/\n/g, '\\n');
    default:
      return v;
  }
}

/** The environment for a command: the operator's, plus each variable by name and as RUNBOOK_VAR_name. */
export function commandEnv(base: NodeJS.ProcessEnv, vars: Iterable<ResolvedVar>): Record<string, string> {
  // Null prototype: a variable named `__proto__` or `constructor` is a key like any other.
  const env = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const v of vars) {
    env[v.name] = v.value;
    env[varEnvName(v.name)] = v.value;
  }
  return env;
}
