// The fleet hosts of a `target: hosts` scenario, named as for `run`: `hosts: targets` takes the operator's
// --on (names, user@host:port, or groups and hosts of --inventory); `hosts: GROUP` a group of --inventory.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseInventory, resolveWithInventory, type Inventory } from '../fleet/inventory.js';
import { splitOn, TargetError, type SshTarget } from '../fleet/targets.js';
import { resolveNames } from './run-targets.js';
import type { Scenario } from '../gameday/scenario.js';

export interface HostOptions {
  on?: string[];
  inventory?: string;
  sshConfig?: string;
}

export interface GameHosts {
  targets: SshTarget[];
  /** Absolute: the journal keeps it for a cleanup started from another folder. */
  sshConfig?: string;
}

/** The scenario's hosts, or undefined for a scenario acting on this machine. Usage errors are UserErrors (exit 2). */
export function resolveGameHosts(s: Scenario, o: HostOptions, env: NodeJS.ProcessEnv, cwd: string): GameHosts | undefined {
  const names = splitOn(o.on ?? []);
  if (s.target !== 'hosts') {
    if (names.length > 0 || o.inventory !== undefined) throw new UserError(`--on/--inventory: scenario ${s.id} acts on this machine (target: ${s.target}), not on hosts`);
    return undefined;
  }
  try {
    let inv: Inventory | undefined;
    if (o.inventory !== undefined) {
      const path = resolve(cwd, o.inventory);
      if (!existsSync(path)) throw new UserError(`--inventory ${o.inventory}: no such file`);
      inv = parseInventory(readFileSync(path, 'utf8'), o.inventory);
    }
    let targets: SshTarget[];
    if (s.hosts === 'targets') {
      if (names.length === 0) throw new UserError(`scenario ${s.id} acts on hosts you name: give them with --on web1,web2 (or --inventory FILE --on GROUP)`);
      targets = resolveNames(names, inv) as SshTarget[];
    } else {
      if (names.length > 0) throw new UserError(`--on: scenario ${s.id} acts on group ${s.hosts} of your inventory; give --inventory FILE, not --on`);
      if (!inv) throw new UserError(`scenario ${s.id} acts on group ${s.hosts} of your inventory: give --inventory FILE`);
      targets = resolveWithInventory(inv, [s.hosts ?? '']);
    }
    if (targets.length === 0) throw new UserError(`scenario ${s.id}: no hosts to act on`);
    const sshConfig = o.sshConfig ?? (env.RUNBOOK_SSH_CONFIG || undefined);
    if (sshConfig !== undefined && !existsSync(resolve(cwd, sshConfig))) throw new UserError(`--ssh-config ${sshConfig}: no such file`);
    return { targets, ...(sshConfig !== undefined ? { sshConfig: resolve(cwd, sshConfig) } : {}) };
  } catch (err) {
    if (err instanceof TargetError) throw new UserError(err.message);
    throw err;
  }
}
