// The hosts of a fleet scenario: `hosts: targets` takes --on, `hosts: GROUP` a group of --inventory; what
// cannot name hosts is refused before anything runs.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveGameHosts } from '../../../src/commands/gameday-hosts.js';
import { parseScenario } from '../../../src/gameday/scenario.js';

const scenario = (fm: string) => parseScenario(`---\nkind: scenario\nid: s\n${fm}duration: 1m\nrunbook: r\n---\n# S\n`, 's.md').scenario;
const dir = mkdtempSync(join(tmpdir(), 'gameday-hosts-'));
writeFileSync(join(dir, 'hosts.ini'), '[web]\nweb1 ansible_host=10.0.0.1 ansible_user=ops\nweb2\n[db]\ndb1\n');
writeFileSync(join(dir, 'ssh_config'), '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveGameHosts', () => {
  it('hosts: targets takes the operator\'s --on (names, user@host:port, or inventory groups)', () => {
    const s = scenario('target: hosts\nhosts: targets\n');
    expect(resolveGameHosts(s, { on: ['web1,deploy@db9:2222'] }, {}, dir)?.targets).toEqual([
      { name: 'web1', kind: 'ssh', host: 'web1' },
      { name: 'deploy@db9:2222', kind: 'ssh', host: 'db9', user: 'deploy', port: 2222 },
    ]);
    expect(resolveGameHosts(s, { on: ['web'], inventory: 'hosts.ini', sshConfig: 'ssh_config' }, {}, dir)).toEqual({
      targets: [{ name: 'web1', kind: 'ssh', host: '10.0.0.1', user: 'ops' }, { name: 'web2', kind: 'ssh', host: 'web2' }],
      sshConfig: join(dir, 'ssh_config'),
    });
    expect(() => resolveGameHosts(s, {}, {}, dir)).toThrow(/give them with --on/);
    expect(() => resolveGameHosts(s, { on: ['-oProxyCommand=x'] }, {}, dir)).toThrow(/not a host name/);
  });

  it('hosts: GROUP takes that group of --inventory, and nothing else', () => {
    const s = scenario('target: hosts\nhosts: db\n');
    expect(resolveGameHosts(s, { inventory: 'hosts.ini' }, {}, dir)?.targets.map((t) => t.name)).toEqual(['db1']);
    expect(() => resolveGameHosts(s, {}, {}, dir)).toThrow(/give --inventory FILE/);
    expect(() => resolveGameHosts(s, { on: ['web1'], inventory: 'hosts.ini' }, {}, dir)).toThrow(/not --on/);
    expect(() => resolveGameHosts(s, { inventory: 'missing.ini' }, {}, dir)).toThrow(/no such file/);
  });

  it('a scenario acting on this machine has no hosts, and refuses --on', () => {
    const s = scenario('target: local\n');
    expect(resolveGameHosts(s, {}, {}, dir)).toBeUndefined();
    expect(() => resolveGameHosts(s, { on: ['web1'] }, {}, dir)).toThrow(/acts on this machine/);
  });
});
