// Targets from `--on` and from Ansible-style inventories (INI and YAML), as tables.
import { describe, expect, it } from 'vitest';
import { parseInventory, resolveWithInventory } from '../../../src/fleet/inventory.js';
import { parseSshTarget } from '../../../src/fleet/targets.js';
import { buildRemoteProgram } from '../../../src/fleet/remote-script.js';

const INI = `# comment
bastion.example.com

[web]
web[1:3] ansible_user=deploy
web-canary ansible_host=10.0.0.9 ansible_port=2222

[db]
db1 ansible_host=db1.internal ansible_user=postgres ansible_ssh_port=5022

[prod:children]
web
db

[prod:vars]
ntp=pool.ntp.org
`;

const YAML = `all:
  hosts:
    bastion.example.com:
  children:
    prod:
      children:
        web:
          hosts:
            web[1:3]:
              ansible_user: deploy
            web-canary:
              ansible_host: 10.0.0.9
              ansible_port: 2222
        db:
          hosts:
            db1:
              ansible_host: db1.internal
              ansible_user: postgres
              ansible_ssh_port: 5022
`;

const show = (t: { name: string; host: string; user?: string; port?: number }): string => `${t.name}=${t.user ? `${t.user}@` : ''}${t.host}${t.port ? `:${t.port}` : ''}`;

describe('inventories', () => {
  for (const [form, text, file] of [['INI', INI, 'hosts.ini'], ['YAML', YAML, 'hosts.yml']] as const) {
    const inv = parseInventory(text, file);
    it.each([
      ['web', ['web1=deploy@web1', 'web2=deploy@web2', 'web3=deploy@web3', 'web-canary=10.0.0.9:2222']],
      ['db', ['db1=postgres@db1.internal:5022']],
      ['prod', ['web1=deploy@web1', 'web2=deploy@web2', 'web3=deploy@web3', 'web-canary=10.0.0.9:2222', 'db1=postgres@db1.internal:5022']],
      ['db1', ['db1=postgres@db1.internal:5022']],
    ])(`${form}: --on %s`, (on, expected) => {
      expect(resolveWithInventory(inv, [on]).map(show)).toEqual(expected);
    });
    it(`${form}: all holds every host; an unknown name is refused`, () => {
      expect(resolveWithInventory(inv, ['all']).map((t) => t.name).sort()).toEqual(['bastion.example.com', 'db1', 'web-canary', 'web1', 'web2', 'web3']);
      expect(() => resolveWithInventory(inv, ['nope'])).toThrow(/no group or host "nope"/);
    });
  }

  it.each([
    ['[web\nweb1', /cannot read the section header/],
    ['[web]\nweb1 ansible_port=http', /ansible_port of web1 must be a port number/],
    ['[web]\n-oProxyCommand=evil', /not a host name/],
  ])('INI %j is refused: %s', (text, message) => {
    expect(() => resolveWithInventory(parseInventory(text, 'bad.ini'), ['all'])).toThrow(message);
  });

  it.each([
    ['web: [1, 2]', /group web must be a mapping/],
    ['web:\n  hosts: [a, b]', /web.hosts must be a mapping/],
    ['web:\n  hosts:\n    a: {\n', /bad.yml:\d+: not valid YAML/],
  ])('YAML %j is refused: %s', (text, message) => {
    expect(() => parseInventory(text, 'bad.yml')).toThrow(message);
  });

  it('a group that contains itself is an error, not a hang', () => {
    const inv = parseInventory('[a:children]\nb\n[b:children]\na\n', 'loop.ini');
    expect(() => resolveWithInventory(inv, ['a'])).toThrow(/contains itself/);
  });
});

describe('--on targets', () => {
  it.each([
    ['web1', 'web1=web1'],
    ['deploy@web1', 'deploy@web1=deploy@web1'],
    ['web1:2222', 'web1:2222=web1:2222'],
    ['root@[::1]:22', 'root@[::1]:22=root@::1:22'],
  ])('%s', (spec, expected) => expect(show(parseSshTarget(spec))).toBe(expected));

  it.each(['-oProxyCommand=x', 'web1;id', 'a b', 'web1:0', 'web1:99999', '$(id)@web1', ''])('%j is refused', (spec) => {
    expect(() => parseSshTarget(spec)).toThrow();
  });
});

describe('the remote program', () => {
  it('holds values only as base64 data, never as shell text', () => {
    const v = `$(touch /tmp/x) '; rm -rf / #\n`;
    const program = buildRemoteProgram({ script: 'echo "${RUNBOOK_VAR_v}"', env: { v, RUNBOOK_VAR_v: v }, timeoutMs: 1000 });
    expect(program).not.toContain('touch');
    expect(program).not.toContain('"${RUNBOOK_VAR_v}"'); // the script too is data
    expect(program).toContain(`'${Buffer.from(v).toString('base64')}'`);
  });
});
