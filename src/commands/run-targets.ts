// `run --on/--inventory/--ssh-config/--parallel`: which hosts the runbook's `on=` blocks run on, checked
// before anything runs. A runbook never adds hosts: `on=targets` is the operator's list, `on=GROUP` a group
// of the operator's inventory.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunOptions } from '../cli.js';
import type { Io } from '../io.js';
import { UserError } from '../errors.js';
import type { Runbook } from '../runbook/model.js';
import { findOnPath } from '../adapters/shell.js';
import { parseInventory, resolveWithInventory, type Inventory } from '../fleet/inventory.js';
import { parseSshTarget, splitOn, TargetError, type Target } from '../fleet/targets.js';
import { runsOn } from '../runner/fleet-run.js';
import type { FleetConfig } from '../runner/run-config.js';

export const DEFAULT_PARALLEL = 10;

export interface FleetSetup {
  config: FleetConfig;
  /** ssh -F, when given. */
  sshConfig?: string;
  /** The `on=targets` blocks run here because no host was named (shown once). */
  notice?: string;
}

/** The `on=` values of the blocks that will run, in order of first use; `local` left out. */
function remoteOns(rb: Runbook, fromStep: number): { on: string; where: string }[] {
  const out: { on: string; where: string }[] = [];
  for (const s of rb.steps)
    for (const c of s.commands) {
      const on = runsOn(c);
      if (s.index < fromStep || !c.runnable || on === 'local') continue;
      // A terminal cannot be handed to twenty hosts at once: such a block is refused before anything runs.
      if (c.interactive) throw new UserError(`${rb.path}:${c.line}: block ${c.id} is interactive and runs on=${on}: interactive blocks run here only`);
      if (!out.some((o) => o.on === on)) out.push({ on, where: `${rb.path}:${c.line}` });
    }
  return out;
}

export function resolveNames(names: string[], inv: Inventory | undefined): Target[] {
  const out: Target[] = [];
  for (const n of names) {
    const found = inv && (inv.groups.has(n) || inv.hosts.has(n) || n === 'all') ? resolveWithInventory(inv, [n]) : [parseSshTarget(n)];
    for (const t of found) if (!out.some((o) => o.name === t.name)) out.push(t);
  }
  return out;
}

/**
 * The fleet of a run, or undefined when no block runs remotely. `askHosts` asks the operator (front-matter
 * `targets: required` with no --on); absent when nobody can be asked.
 */
export async function prepareFleet(o: RunOptions, runbook: Runbook, fromStep: number, io: Io, askHosts?: () => Promise<string>): Promise<FleetSetup | undefined> {
  const ons = remoteOns(runbook, fromStep);
  let names = splitOn(o.on ?? []);
  if (ons.length === 0) {
    if (names.length > 0) throw new UserError(`--on: no block of "${runbook.id}" runs on hosts (a block says where with on=targets)`);
    return undefined;
  }
  try {
    const invPath = o.inventory !== undefined ? resolve(io.cwd, o.inventory) : undefined;
    let inv: Inventory | undefined;
    if (invPath !== undefined) {
      if (!existsSync(invPath)) throw new UserError(`--inventory ${o.inventory}: no such file`);
      inv = parseInventory(readFileSync(invPath, 'utf8'), o.inventory as string);
    }
    const byOn = new Map<string, Target[]>();
    let notice: string | undefined;
    if (ons.some((x) => x.on === 'targets')) {
      if (names.length === 0 && runbook.targetsRequired) {
        if (!askHosts) throw new UserError(`"${runbook.id}" runs blocks on hosts (targets: required): name them with --on web1,web2 or --inventory FILE --on GROUP`);
        names = splitOn([await askHosts()]);
        if (names.length === 0) throw new UserError(`"${runbook.id}" needs hosts to run on, and none were given`);
      }
      if (names.length > 0) byOn.set('targets', resolveNames(names, inv));
      else notice = 'no --on: blocks marked on=targets run here, on this machine';
    }
    for (const { on, where } of ons) {
      if (on === 'targets') continue;
      if (!inv) throw new UserError(`${where}: the block runs on=${on}, a group of your inventory: give --inventory FILE`);
      byOn.set(on, resolveWithInventory(inv, [on]));
    }
    const all: Target[] = [];
    for (const list of byOn.values()) for (const t of list) if (!all.some((a) => a.name === t.name)) all.push(t);
    if (all.length > 0 && !o.dryRun && findOnPath('ssh', io.env.PATH) === undefined) throw new UserError('ssh is not installed (on PATH): remote blocks run through the OpenSSH client (apt-get install openssh-client)');
    const sshConfig = o.sshConfig ?? (io.env.RUNBOOK_SSH_CONFIG || undefined);
    if (sshConfig !== undefined && !existsSync(resolve(io.cwd, sshConfig))) throw new UserError(`--ssh-config ${sshConfig}: no such file`);
    return {
      config: { byOn, all, parallel: o.parallel ?? DEFAULT_PARALLEL },
      ...(sshConfig !== undefined ? { sshConfig: resolve(io.cwd, sshConfig) } : {}),
      ...(notice !== undefined ? { notice } : {}),
    };
  } catch (err) {
    if (err instanceof TargetError) throw new UserError(err.message);
    throw err;
  }
}
