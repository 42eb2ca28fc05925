// `run`'s variables: every value a run will use, from --var, the environment, a default or the operator,
// checked against the value rules (src/runner/value-rules.ts) before anything runs. Refusals are UserErrors
// (exit 2) that name the variable.
import { UserError } from '../errors.js';
import { editDistance } from '../runbook/edit-distance.js';
import type { Runbook, VarDecl } from '../runbook/model.js';
import { isReservedName, RESERVED_SUMMARY } from '../runbook/reserved-names.js';
import type { VarSource } from '../timeline/events.js';
import { presetValue, validateVar, varsNeeded, type ResolvedVar, type VarNeed } from '../runner/vars.js';
import { markUnusual, reparsedUses, valueProblem, type ValuePolicy } from '../runner/value-rules.js';
import type { TerminalPrompter } from '../adapters/prompter.js';
import { angleVarName, findAngleArgs } from '../runbook/shell-scan.js';

export interface VarInputs {
  runbook: Runbook;
  fromStep: number;
  flags: ReadonlyMap<string, string>;
  freeText: readonly string[];
  env: NodeJS.ProcessEnv;
  interactive: boolean;
  dryRun: boolean;
  /** Values of the run being resumed. */
  previous?: ReadonlyMap<string, { value: string; source: VarSource }>;
  /** Values the resumed timeline holds only as `[secret]`/`[redacted]`, with the source they had: asked again. */
  redacted?: ReadonlyMap<string, VarSource>;
  /** The resumed timeline as the operator named it, for messages. */
  resumePath?: string;
  /** One line for the operator (stderr). */
  notice: (line: string) => void;
  prompter: () => Promise<TerminalPrompter>;
  /** Names an earlier command of the run sets: not asked for now (the runner asks when one is needed and unset). */
  deferred?: ReadonlySet<string>;
  /** Resolve only this name (a deferred one, now needed). */
  only?: string;
}

const FROM: Record<VarSource, string> = { flag: ' (from --var)', env: ' (from the environment)', default: ' (the runbook default)', prompt: '' } as Record<VarSource, string>;

/** Every name the runbook declares or any of its commands uses. */
function knownNames(rb: Runbook): Set<string> {
  const names = new Set(rb.vars.map((v) => v.name));
  for (const s of rb.steps) for (const c of s.commands) for (const n of [...c.placeholders, ...c.envRefs]) names.add(n);
  return names;
}

/** The closest known name within a small edit distance, for "did you mean". */
function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

function checkNames(i: VarInputs, needs: VarNeed[]): void {
  const rb = i.runbook;
  for (const n of needs)
    if (isReservedName(n.name))
      throw new UserError(`${rb.path}: variable ${n.name} may not be ${n.decl ? 'declared' : 'used as {{' + n.name + '}}'}: it changes how the shell or an interpreter behaves (reserved: ${RESERVED_SUMMARY})`);
  const known = knownNames(rb);
  for (const [flag, names] of [['--var', [...i.flags.keys()]], ['--free-text', i.freeText]] as const)
    for (const name of names) {
      if (isReservedName(name)) throw new UserError(`${flag} ${name}: ${name} is reserved; only your own environment may set it (reserved: ${RESERVED_SUMMARY})`);
      if (!known.has(name)) {
        const hint = closest(name, known);
        throw new UserError(`unknown variable ${name}${hint ? ` (did you mean ${hint}?)` : known.size ? ` (${rb.id} uses ${[...known].join(', ')})` : ` (${rb.id} uses no variables)`}`);
      }
    }
}

/** Resolve every variable of the run, or throw a UserError before anything runs. */
export async function resolveVars(i: VarInputs): Promise<ResolvedVar[]> {
  const rb = i.runbook;
  const all = varsNeeded(rb, i.fromStep);
  for (const n of rb.steps.flatMap((s) => s.commands.flatMap((c) => c.placeholders)))
    if (!all.some((x) => x.name === n)) all.push({ name: n, implicit: true });
  const needs = i.only !== undefined ? all.filter((n) => n.name === i.only) : all.filter((n) => !i.deferred?.has(n.name));
  checkNames(i, needs);
  const reparsed = reparsedUses(rb, i.fromStep);
  const freeText = new Set(i.freeText);
  const policy = (name: string, need?: VarNeed): ValuePolicy => ({
    freeText: need?.decl?.type === 'text' || freeText.has(name),
    integer: need?.decl?.type === 'integer',
    reparsed: reparsed.filter((r) => r.name === name),
  });
  const refuse = (name: string, value: string, source: VarSource, p: ValuePolicy): void => {
    const problem = valueProblem(name, value, p);
    if (problem) throw new UserError(`${problem.message}${FROM[source] ?? ''}`);
  };

  const vars: ResolvedVar[] = [];
  // Without a terminal, every variable that has no value is named in one error, not one per attempt.
  const missing: string[] = [];
  for (const need0 of needs) {
    const previous = i.previous?.get(need0.name);
    // A value recorded only as [secret]/[redacted] is asked for again; its default stands only if it was used.
    const again = i.redacted?.get(need0.name);
    const need = again !== undefined && again !== 'default' && need0.decl ? { ...need0, decl: withoutDefault(need0.decl) } : need0;
    const preset = i.flags.has(need.name) ? presetValue(need, i.flags, i.env) : (previous ?? presetValue(need, i.flags, i.env));
    const secret = need.decl?.secret ?? false;
    const rules = policy(need.name, need);
    if (preset) {
      const problem = validateVar(need, preset.value);
      if (problem) throw new UserError(`variable ${problem}${FROM[preset.source] ?? ''}`);
      refuse(need.name, preset.value, preset.source, rules);
      vars.push({ name: need.name, value: preset.value, source: preset.source, secret });
      continue;
    }
    if (i.dryRun && !i.interactive) continue; // shown as {{name}} in the preview
    if (again !== undefined && !i.interactive) {
      throw new UserError(`variable ${need.name} is recorded as ${again === 'default' ? '[secret]' : 'redacted'} in ${i.resumePath ?? 'the timeline'}, so it is needed again: pass --var ${need.name}=VALUE`);
    }
    if (!i.interactive) {
      // Nobody chose "" here: refuse when a command to run uses the name, or "" is not a valid value.
      const used = rb.steps.some((s) => s.index >= i.fromStep && s.commands.some((c) => c.runnable && (c.placeholders.includes(need.name) || c.envRefs.includes(need.name))));
      if (need.implicit || need.decl?.required || used || validateVar(need, '') !== null) {
        missing.push(need.name);
        continue;
      }
      vars.push({ name: need.name, value: '', source: 'default', secret });
      continue;
    }
    const prompter = await i.prompter();
    if (again !== undefined) i.notice(`${need.name} is not in the timeline (it was redacted): enter it again`);
    for (;;) {
      const value = await prompter.askVar({
        name: need.name,
        secret,
        validate: (v) => {
          const p = validateVar(need, v) ?? valueProblem(need.name, v, rules);
          return p === null ? null : typeof p === 'string' ? p : p.canAccept ? null : p.message;
        },
        ...describe(need, rb),
      });
      // Characters outside the safe set: the operator sees them marked and accepts them as free text, or retypes.
      if (valueProblem(need.name, value, rules)?.canAccept && !(await prompter.acceptFreeText(need.name, secret ? '[secret]' : markUnusual(value)))) continue;
      vars.push({ name: need.name, value, source: 'prompt', secret });
      break;
    }
  }
  if (missing.length === 1) throw new UserError(`variable ${missing[0]} has no value and there is no terminal to ask on: pass --var ${missing[0]}=VALUE`);
  if (missing.length > 1)
    throw new UserError(`variables ${missing.join(', ')} have no value and there is no terminal to ask on: pass ${missing.map((n) => `--var ${n}=VALUE`).join(' ')}`);
  // --var for a name no step from here on needs (a later resume may): still checked, still recorded.
  for (const [name, value] of i.only === undefined ? i.flags : [])
    if (!vars.some((v) => v.name === name)) {
      refuse(name, value, 'flag', policy(name));
      vars.push({ name, value, source: 'flag', secret: false });
    }
  return vars;
}

function withoutDefault(decl: VarDecl): VarDecl {
  const { default: _unused, ...rest } = decl;
  return rest;
}

function describe(need: VarNeed, rb: Runbook): { description?: string; default?: string; choices?: string[]; pattern?: string } {
  const out: { description?: string; default?: string; choices?: string[]; pattern?: string } = {};
  const commands = rb.steps.flatMap((s) => s.commands.filter((c) => c.runnable));
  const angle = commands.flatMap((c) => findAngleArgs(c.text)).find((a) => angleVarName(a.slice(1, -1)) === need.name);
  // Asked before the run starts: say where the value goes (`used as <word> in 2.1`), not only how.
  const users = commands.filter((c) => c.envRefs.includes(need.name) || c.placeholders.includes(need.name) || (angle !== undefined && c.text.includes(angle)));
  const where = users[0] ? ` in ${users[0].id}${users.length > 1 ? ` and ${users.length - 1} more` : ''}` : '';
  if (need.decl?.description) out.description = need.decl.description;
  else if (need.implicit && angle && !commands.some((c) => c.envRefs.includes(need.name))) out.description = `used as ${angle}${where}`;
  else if (need.implicit) out.description = `used as $${need.name}${where}`;
  if (need.decl?.default !== undefined) out.default = need.decl.default;
  if (need.decl?.choices) out.choices = need.decl.choices;
  if (need.decl?.pattern !== undefined) out.pattern = need.decl.pattern;
  return out;
}
