// Lint rules for scenarios (docs/gameday.md lists them). Pure: the host's interface names are passed in.
import type { Problem } from '../runbook/model.js';
import { TARGETS, type ParsedScenario } from './scenario.js';

export interface ScenarioLintOptions {
  /** Names of this host's network interfaces (/sys/class/net): a fault never acts on one of them. */
  hostInterfaces: readonly string[];
}

export function lintScenario(p: ParsedScenario, o: ScenarioLintOptions): Problem[] {
  const s = p.scenario;
  const file = s.path;
  const problems: Problem[] = [...p.problems];
  if (p.fatal) return problems;
  const fmLine = (key: string): number => {
    const i = s.source.split('\n').findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
    return i < 0 ? 1 : i + 1;
  };
  const error = (rule: string, line: number, message: string): void => void problems.push({ file, line, severity: 'error', rule, message });

  if (s.blocks.inject.length === 0) error('scenario-inject', 1, 'no {inject} block: a scenario injects its fault with ```bash {inject}');
  if (s.blocks.revert.length === 0) error('scenario-revert', 1, 'no {revert} block: every fault needs a ```bash {revert} block, safe to run twice');
  if (s.durationMs === undefined && !problems.some((x) => x.rule === 'scenario-duration'))
    error('scenario-duration', 1, 'duration is missing: add duration: 10m to the front-matter (the fault is reverted after it, whatever happens)');
  if (s.runbook === '') error('scenario-runbook', 1, "runbook is missing: name the responder's runbook (runbook: disk-full)");

  const hostIfs = new Set(o.hostInterfaces);
  if (s.target === '') error('scenario-target', 1, 'target is missing: local, netns (network namespaces the scenario makes), or hosts (fleet hosts over ssh)');
  else if (hostIfs.has(s.target))
    error('scenario-target', fmLine('target'), `target ${s.target} is a real interface of this host: a game acts only on what it makes (target: netns, with a veth pair inside it)`);
  else if (!(TARGETS as readonly string[]).includes(s.target)) error('scenario-target', fmLine('target'), `target must be ${TARGETS.join(' or ')}, not ${JSON.stringify(s.target)}`);

  // A fleet scenario says how its hosts are named; the blocks run there, not here.
  if (s.target === 'hosts' && s.hosts === undefined)
    error('scenario-target', fmLine('target'), 'target: hosts needs a way to name the hosts: hosts: targets (the hosts given with gameday --on) or hosts: GROUP (a group of the --inventory)');
  if (s.target !== 'hosts' && s.hosts !== undefined) error('scenario-target', fmLine('hosts'), `hosts: is for target: hosts (this scenario's target is ${s.target || 'missing'})`);
  if (s.hosts !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(s.hosts)) error('scenario-target', fmLine('hosts'), `hosts must be targets or an inventory group name, not ${JSON.stringify(s.hosts)}`);

  // `tc … dev eth0`, `ip link set eth0 …` in the fault naming an interface of this host: refused even in a
  // netns scenario (the name may be the host's when the command forgot its `ip netns exec`). A fleet
  // scenario's blocks run on its hosts, whose interfaces are theirs.
  if (s.target !== 'hosts') for (const b of [...s.blocks.inject, ...s.blocks.revert])
    for (const m of b.text.matchAll(/\b(?:dev|link set|link del(?:ete)?)\s+([\w.@-]+)/g)) {
      const name = m[1] as string;
      if (hostIfs.has(name) && name !== 'lo')
        error('scenario-target', b.line, `the {${b.role}} block names ${name}, a real interface of this host: act on a veth pair inside a namespace the game makes`);
    }

  if (s.blocks.detect.length === 0)
    problems.push({ file, line: 1, severity: 'warning', rule: 'scenario-checks', message: 'no {detect} check: detection is marked only by hand (runbook mark detected)' });
  if (s.blocks.mitigated.length === 0)
    problems.push({ file, line: 1, severity: 'warning', rule: 'scenario-checks', message: 'no {mitigated} check: the game ends at its duration or on Ctrl-C (or mark mitigated by hand)' });
  return problems;
}
