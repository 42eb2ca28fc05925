// Scenarios: blocks found by their attribute, front-matter fields, and the lint rules that refuse a scenario.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../../src/gameday/scenario.js';
import { lintScenario } from '../../../src/gameday/lint-scenario.js';
import { looksLikeScenario } from '../../../src/gameday/kind.js';
import { ROOT } from '../../helpers/run-cli.js';

const scenario = (front: string, body = BODY): string => `---\nkind: scenario\nid: s1\ntitle: S1\n${front}---\n# S1\n${body}`;
const BODY = [
  '## Fault',
  '```bash {inject}',
  'ip netns add "$GAMEDAY_NETNS"',
  '```',
  '## Revert',
  '```bash {revert}',
  'ip netns del "$GAMEDAY_NETNS" 2>/dev/null || true',
  '```',
  '## Checks',
  '```bash {detect}',
  'true',
  '```',
  '```bash {mitigated timeout=3s}',
  'false',
  '```',
  '```bash',
  'echo not a block of the game',
  '```',
  '',
].join('\n');
const FULL = 'target: netns\nduration: 90s\npoll: 2s\nrunbook: packet-loss\nvars:\n  netns: ${GAMEDAY_NETNS}-a\n';
const rules = (text: string, hostInterfaces: string[] = ['eth0', 'lo']): string[] =>
  lintScenario(parseScenario(text, 'x.md'), { hostInterfaces }).filter((p) => p.severity === 'error').map((p) => `${p.rule}:${p.line}`);

describe('parseScenario', () => {
  it('finds the inject, revert, detect and mitigated blocks by their attribute, with ids, steps and timeouts', () => {
    const { scenario: s, problems } = parseScenario(scenario(FULL), 'x.md');
    expect(problems).toEqual([]);
    expect(s.blocks.inject.map((b) => [b.id, b.step, b.text])).toEqual([['1.1', 1, 'ip netns add "$GAMEDAY_NETNS"']]);
    expect(s.blocks.revert).toHaveLength(1);
    expect(s.blocks.detect.map((b) => b.text)).toEqual(['true']);
    expect(s.blocks.mitigated[0]).toMatchObject({ text: 'false', timeoutMs: 3000 });
    expect(s).toMatchObject({ target: 'netns', runbook: 'packet-loss', durationMs: 90_000, pollMs: 2000, vars: { netns: '${GAMEDAY_NETNS}-a' } });
  });

  it('tells a scenario from a runbook by kind: scenario in its front-matter', () => {
    expect(looksLikeScenario(scenario(FULL))).toBe(true);
    expect(looksLikeScenario('---\nid: disk-full\n---\n# kind: scenario\n')).toBe(false);
    expect(looksLikeScenario('# kind: scenario\n')).toBe(false);
  });
});

describe('lintScenario', () => {
  it('a complete scenario has no errors', () => {
    expect(rules(scenario(FULL))).toEqual([]);
  });

  it('refuses a scenario without a revert, without an inject, without a duration, or without a runbook', () => {
    const noRevert = BODY.replace('{revert}', '');
    expect(rules(scenario(FULL, noRevert))).toEqual(['scenario-revert:1']);
    expect(rules(scenario(FULL, BODY.replace('{inject}', '')))).toEqual(['scenario-inject:1']);
    expect(rules(scenario(FULL.replace('duration: 90s\n', '')))).toEqual(['scenario-duration:1']);
    expect(rules(scenario(FULL.replace('duration: 90s', 'duration: soon')))).toEqual(['scenario-duration:6']);
    expect(rules(scenario(FULL.replace('runbook: packet-loss\n', '')))).toEqual(['scenario-runbook:1']);
  });

  it("refuses a target that is a real interface of this host, or a fault that names one", () => {
    expect(rules(scenario(FULL.replace('target: netns', 'target: eth0')))).toEqual(['scenario-target:5']);
    expect(rules(scenario(FULL.replace('target: netns', 'target: the-moon')))).toEqual(['scenario-target:5']);
    const onHost = BODY.replace('ip netns add "$GAMEDAY_NETNS"', 'tc qdisc add dev eth0 root netem loss 30%');
    expect(rules(scenario(FULL, onHost))).toEqual(['scenario-target:14']) // the fence's line;
    // The same command on an interface the game made is fine.
    expect(rules(scenario(FULL, onHost), ['lo'])).toEqual([]);
  });

  it('a fleet scenario (target: hosts) must say how its hosts are named; its blocks act on those hosts, not this one', () => {
    const fleet = FULL.replace('target: netns', 'target: hosts');
    expect(rules(scenario(fleet))).toEqual(['scenario-target:5']);
    expect(rules(scenario(`${fleet}hosts: targets\n`))).toEqual([]);
    expect(rules(scenario(`${fleet}hosts: webservers\n`))).toEqual([]);
    expect(parseScenario(scenario(`${fleet}hosts: webservers\n`), 'x.md').scenario).toMatchObject({ target: 'hosts', hosts: 'webservers' });
    expect(rules(scenario(`${fleet}hosts: -oProxyCommand=x\n`))).toEqual(['scenario-target:11']);
    // hosts: on a scenario acting on this machine says something that is not so.
    expect(rules(scenario(`${FULL}hosts: targets\n`))).toEqual(['scenario-target:11']);
    // eth0 of a fleet host is that host's: the check against this machine's interfaces does not apply.
    const onHost = BODY.replace('ip netns add "$GAMEDAY_NETNS"', 'tc qdisc add dev eth0 root netem loss 30%');
    expect(rules(scenario(`${fleet}hosts: targets\n`, onHost))).toEqual([]);
  });

  it('every bundled scenario passes lint against this host', () => {
    const dir = join(ROOT, 'scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.md'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const problems = lintScenario(parseScenario(readFileSync(join(dir, f), 'utf8'), f), { hostInterfaces: readdirSync('/sys/class/net') });
      expect(problems, f).toEqual([]);
    }
  });
});
