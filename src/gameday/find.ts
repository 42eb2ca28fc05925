// Where scenarios are found (the bundled `scenarios/` and --dir folders) and how `<scenario>` is resolved.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError, describeSystemError } from '../errors.js';
import { bundledScenariosDir } from '../runbook/bundled.js';
import { decode, findRunbookFiles } from '../runbook/load.js';
import { editDistance } from '../runbook/edit-distance.js';
import { isScenarioSource, parseScenario, type ParsedScenario } from './scenario.js';

export function readScenarioFile(file: string): ParsedScenario {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UserError(`cannot read scenario ${file}: ${describeSystemError(err)}`);
  }
  const { text, problems } = decode(bytes, file);
  const parsed = parseScenario(text, file);
  return { ...parsed, problems: [...problems, ...parsed.problems] };
}

/** Every scenario (`kind: scenario`) in the --dir folders, then the bundled ones; a user's scenario hides a bundled one of the same id. */
export async function findScenarios(dirs: string[], cwd: string): Promise<ParsedScenario[]> {
  const user = dirs.map((d) => resolve(cwd, d));
  const files = [...(user.length ? await findRunbookFiles(user) : []), ...(await findRunbookFiles([bundledScenariosDir()]))];
  const out: ParsedScenario[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    if (!isScenarioSource(text)) continue;
    const p = readScenarioFile(f);
    if (seen.has(p.scenario.id)) continue;
    seen.add(p.scenario.id);
    out.push(p);
  }
  return out;
}

/** `<scenario>` as an id or a path to a file. */
export async function resolveScenario(ref: string, dirs: string[], cwd: string): Promise<ParsedScenario> {
  if (/\.(md|markdown)$/i.test(ref) || ref.includes('/')) {
    const p = readScenarioFile(resolve(cwd, ref));
    if (!isScenarioSource(p.scenario.source)) throw new UserError(`${ref} is not a scenario (its front-matter needs kind: scenario)`);
    return p;
  }
  const all = await findScenarios(dirs, cwd);
  const found = all.find((p) => p.scenario.id === ref);
  if (found) return found;
  const close = all.map((p) => p.scenario.id).filter((id) => id.includes(ref) || ref.includes(id) || editDistance(id, ref) <= 2);
  throw new UserError(`unknown scenario "${ref}"${close.length ? ` (did you mean ${close.join(', ')}?)` : ` (scenarios: ${all.map((p) => p.scenario.id).join(', ') || 'none'})`}`);
}

/** This host's network interfaces (a scenario may never name one). */
export function hostInterfaces(): string[] {
  try {
    return readdirSync('/sys/class/net');
  } catch {
    return [];
  }
}
