// Variables: where each value comes from, validation, and getting values into commands safely. Pure.
import type { Command, Runbook, VarDecl } from '../runbook/model.js';
import type { VarSource } from '../timeline/events.js';
import { findPlaceholders } from '../runbook/shell-scan.js';

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

/**
 * Shell text with each `{{name}}` replaced so that the value arrives as data, whatever it contains:
 * unquoted → a single-quoted word; inside "..." → ${RUNBOOK_VAR_name}; inside '...' → '"${RUNBOOK_VAR_name}"'.
 * Unknown names are left as written (lint reports them).
 */
export function renderForShell(text: string, values: ReadonlyMap<string, string>): string {
  let out = '';
  let last = 0;
  for (const p of findPlaceholders(text)) {
    const value = values.get(p.name);
    if (value === undefined) continue;
    out += text.slice(last, p.start);
    const ref = `\${${varEnvName(p.name)}}`;
    out += p.context === 'none' ? shellQuote(value) : p.context === 'double' ? ref : `'"${ref}"'`;
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
  for (const p of findPlaceholders(text)) {
    const v = shown(p.name);
    if (v === undefined) continue;
    const needsQuotes = p.context === 'none' && (v === '' || /[\s'"\\$`;&|<>(){}*?#~!]/.test(v));
    out += text.slice(last, p.start) + (needsQuotes ? shellQuote(v) : v);
    last = p.end;
  }
  out += text.slice(last);
  return out;
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
