// Where the runbooks shipped with runbook live: `runbooks/` beside package.json, or, in the single executable
// (build:sea), written out once from the copy inside it to $XDG_CACHE_HOME/runbook/.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';

// Set by scripts/build.mjs --sea: a JSON object { file name: text }.
declare const __RUNBOOK_SEA_RUNBOOKS__: string | undefined;
declare const __RUNBOOK_SEA_SCENARIOS__: string | undefined;

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'runbook');
}

let dir: string | undefined;

/** The folder of bundled runbooks (computed on first use: most commands never need it). */
export function bundledDir(): string {
  if (dir !== undefined) return dir;
  if (typeof __RUNBOOK_SEA_RUNBOOKS__ === 'string') return (dir = writeOut(__RUNBOOK_SEA_RUNBOOKS__));
  // Unbundled this file is src/runbook/bundled.ts, bundled a chunk in dist/: look upwards for package.json.
  let url = new URL('.', import.meta.url);
  for (let i = 0; i < 4 && !existsSync(fileURLToPath(new URL('package.json', url))); i++) url = new URL('..', url);
  return (dir = fileURLToPath(new URL('runbooks', url)));
}

let scenarios: string | undefined;

/** The folder of bundled game-day scenarios (`scenarios/` beside the runbooks, the same way). */
export function bundledScenariosDir(): string {
  if (scenarios !== undefined) return scenarios;
  if (typeof __RUNBOOK_SEA_SCENARIOS__ === 'string') return (scenarios = writeOut(__RUNBOOK_SEA_SCENARIOS__, 'scenarios'));
  return (scenarios = join(dirname(bundledDir()), 'scenarios'));
}

function writeOut(json: string, folder = 'runbooks'): string {
  const target = join(cacheRoot(), `bundled-${VERSION}`, folder);
  if (existsSync(target)) return target;
  // Written beside, then renamed into place: a run that starts meanwhile sees all of them or none.
  const tmp = `${target}.${process.pid}.tmp`;
  mkdirSync(tmp, { recursive: true });
  for (const [name, text] of Object.entries(JSON.parse(json) as Record<string, string>)) writeFileSync(join(tmp, name), text);
  try {
    renameSync(tmp, target);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process won the race
  }
  return target;
}
