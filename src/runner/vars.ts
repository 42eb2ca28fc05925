// Variables: where each value comes from, validation, and getting values into commands safely. Pure.
import type { Command, Runbook, VarDecl } from '../runbook/model.js';
import type { VarSource } from '../timeline/events.js';
import { findPlaceholders, type PlaceholderUse } from '../runbook/shell-scan.js';

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
  if (d.required && value === '') return `${d.name} is required`;
  return null;
}

/** `--var NAME=VALUE` list → record; malformed entries are returned as errors. */
export function parseVarFlags(flags: string[]): { values: Record<string, string>; errors: string[] } {
  const values: Record<string, string> = {};
  const errors: string[] = [];
  for (const f of flags) {
    const eq = f.indexOf('=');
    const name = eq > 0 ? f.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) errors.push(`--var ${JSON.stringify(f)}: expected NAME=VALUE`);
    else values[name] = f.slice(eq + 1);
  }
  return { values, errors };
}

/** The value a need gets without asking: flag, environment, default. Undefined when it must be asked for. */
export function presetValue(need: VarNeed, flags: Record<string, string>, env: NodeJS.ProcessEnv): { value: string; source: VarSource } | undefined {
  if (flags[need.name] !== undefined) return { value: flags[need.name] as string, source: 'flag' };
  const e = env[need.name];
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

/** Where a placeholder sits, as the shell will read it. */
type Place = 'none' | 'single' | 'double' | 'comment' | 'heredoc' | { quotedHeredoc: string; strip: boolean };

/**
 * The quoting context at each index, like shell-scan's walk but aware of `#` comments and here-document
 * bodies. Without that, an apostrophe in `# don't` or in a heredoc line flips every later context, and a
 * placeholder in a heredoc body looks unquoted although `'…'` is no quoting there: both let `$(…)` in a value
 * run. Misreading `<<` (arithmetic shift) only makes later placeholders plain `${RUNBOOK_VAR_x}`: never code.
 */
function placesOf(text: string): Place[] {
  const at: Place[] = new Array<Place>(text.length).fill('none');
  let ctx: 'none' | 'single' | 'double' = 'none';
  let pending: { delim: string; quoted: boolean; strip: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    at[i] = ctx;
    if (ctx === 'single') {
      if (c === "'") ctx = 'none';
      i++;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < text.length) at[i + 1] = ctx;
      i += 2;
      continue;
    }
    if (ctx === 'double') {
      if (c === '"') ctx = 'none';
      i++;
      continue;
    }
    if (c === "'") ctx = 'single';
    else if (c === '"') ctx = 'double';
    else if (c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1] as string))) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      at.fill('comment', i, end);
      i = end;
      continue;
    } else if (c === '<' && text.startsWith('<<', i) && text[i + 2] !== '<' && text[i - 1] !== '<') {
      const m = /^<<(-?)[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|((?:\\.|[^\s;&|<>()'"])+))/.exec(text.slice(i));
      if (m) {
        const bare = m[4];
        const quoted = m[2] !== undefined || m[3] !== undefined || (bare?.includes('\\') ?? false);
        pending.push({ delim: m[2] ?? m[3] ?? (bare ?? '').replace(/\\/g, ''), quoted, strip: m[1] === '-' });
        i += m[0].length;
        continue;
      }
    } else if (c === '\n' && pending.length > 0) {
      i++;
      for (const h of pending) {
        while (i < text.length) {
          const nl = text.indexOf('\n', i);
          const end = nl < 0 ? text.length : nl;
          const line = text.slice(i, end);
          if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) {
            i = end;
            break;
          }
          at.fill(h.quoted ? { quotedHeredoc: h.delim, strip: h.strip } : 'heredoc', i, Math.min(end + 1, text.length));
          i = end + 1;
        }
      }
      pending = [];
      continue;
    }
    i++;
  }
  return at;
}

/** Placeholders with the context the shell will really read them in. */
function placeholdersIn(text: string): (PlaceholderUse & { place: Place })[] {
  const at = placesOf(text);
  return findPlaceholders(text).map((p) => ({ ...p, place: at[p.start] ?? 'none' }));
}

/** Whether the body line holding index `at`, with its values spliced in, has a line that ends the heredoc. */
function endsHeredoc(text: string, at: number, values: ReadonlyMap<string, string>, delim: string, strip: boolean): boolean {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  const line = text.slice(start, nl < 0 ? text.length : nl);
  let rendered = '';
  let last = 0;
  for (const q of findPlaceholders(line)) {
    rendered += line.slice(last, q.start) + (values.get(q.name) ?? line.slice(q.start, q.end));
    last = q.end;
  }
  rendered += line.slice(last);
  return rendered.split('\n').some((l) => (strip ? l.replace(/^\t+/, '') : l) === delim);
}

/** A value that cannot be put into a command safely (it would end a quoted here-document early). */
export class UnsafeValueError extends Error {
  constructor(name: string, delim: string) {
    super(`the value of ${name} has a line "${delim}", which would end the here-document it is used in; the command was not run`);
    this.name = 'UnsafeValueError';
  }
}

/**
 * Shell text with each `{{name}}` replaced so that the value arrives as data, whatever it contains:
 * unquoted → a single-quoted word; inside "..." → ${RUNBOOK_VAR_name}; inside '...' → '"${RUNBOOK_VAR_name}"';
 * in a here-document body → ${RUNBOOK_VAR_name} (expansions there are not re-read as code); in a quoted
 * here-document (`<<'EOF'`, nothing expands) → the value itself, refused (UnsafeValueError) when a line of it
 * would end the here-document. Unknown names are left as written (lint reports them).
 */
export function renderForShell(text: string, values: ReadonlyMap<string, string>): string {
  let out = '';
  let last = 0;
  for (const p of placeholdersIn(text)) {
    const value = values.get(p.name);
    if (value === undefined) continue;
    out += text.slice(last, p.start);
    const ref = `\${${varEnvName(p.name)}}`;
    const place = p.place;
    if (typeof place === 'object') {
      if (endsHeredoc(text, p.start, values, place.quotedHeredoc, place.strip)) throw new UnsafeValueError(p.name, place.quotedHeredoc);
      out += value;
    } else out += place === 'none' || place === 'comment' ? shellQuote(value) : place === 'double' ? ref : place === 'heredoc' ? ref : `'"${ref}"'`;
    last = p.end;
  }
  return out + text.slice(last);
}

/** What the operator reads: values filled in, secrets masked, `$NAME` of known vars shown with their value. */
export function renderForDisplay(text: string, vars: ReadonlyMap<string, ResolvedVar>): string {
  const shown = (name: string): string | undefined => {
    const v = vars.get(name);
    return v === undefined ? undefined : v.secret ? '[secret]' : v.value;
  };
  let out = '';
  let last = 0;
  for (const p of placeholdersIn(text)) {
    const v = shown(p.name);
    if (v === undefined) continue;
    out += text.slice(last, p.start) + shownAs(v, p.place);
    last = p.end;
  }
  out += text.slice(last);
  return out;
}

/**
 * A value written the way the shell would read it back as that same value where it stands, so what the operator
 * reads is what runs: `"{{v}}"` with `$(x)` in it shows as `"\$(x)"`, not as a command substitution.
 */
function shownAs(v: string, place: Place): string {
  if (place === 'none') return v === '' || /[\s'"\\$`;&|<>(){}*?#~!]/.test(v) ? shellQuote(v) : v;
  if (place === 'double') return v.replace(/[\\$`"]/g, '\\$&');
  if (place === 'heredoc') return v.replace(/[\\$`]/g, '\\$&');
  if (place === 'single') return v.replace(/'/g, `'\\''`);
  return v;
}

/** The environment for a command: the operator's, plus each variable by name and as RUNBOOK_VAR_name. */
export function commandEnv(base: NodeJS.ProcessEnv, vars: Iterable<ResolvedVar>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const v of vars) {
    env[v.name] = v.value;
    env[varEnvName(v.name)] = v.value;
  }
  return env;
}

/** Placeholders of a command that have no value (so the run cannot safely continue). */
export function missingPlaceholders(c: Command, values: ReadonlyMap<string, unknown>): string[] {
  return c.placeholders.filter((n) => !values.has(n));
}
