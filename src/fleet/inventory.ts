// Ansible-style inventories (INI and YAML): groups, `children`, `ansible_host`, `ansible_port`,
// `ansible_user`. Pure: text in, groups of hosts out; resolving `--on` names against them is here too.
import yaml from 'js-yaml';
import { parseSshTarget, TargetError, type SshTarget } from './targets.js';

export interface InventoryHost {
  name: string;
  vars: { ansible_host?: string; ansible_port?: number; ansible_user?: string };
}

export interface Inventory {
  hosts: Map<string, InventoryHost>;
  /** Group → its own hosts and its child groups. `all` holds every host. */
  groups: Map<string, { hosts: string[]; children: string[] }>;
}

function group(inv: Inventory, name: string): { hosts: string[]; children: string[] } {
  let g = inv.groups.get(name);
  if (!g) inv.groups.set(name, (g = { hosts: [], children: [] }));
  return g;
}

function addHost(inv: Inventory, groupName: string, name: string, vars: Record<string, unknown>, where: string): void {
  const h = inv.hosts.get(name) ?? { name, vars: {} };
  for (const [k, v] of Object.entries(vars)) {
    if (k === 'ansible_host' || k === 'ansible_ssh_host') h.vars.ansible_host = String(v);
    else if (k === 'ansible_user' || k === 'ansible_ssh_user') h.vars.ansible_user = String(v);
    else if (k === 'ansible_port' || k === 'ansible_ssh_port') {
      const port = Number(v);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TargetError(`${where}: ansible_port of ${name} must be a port number, not ${JSON.stringify(v)}`);
      h.vars.ansible_port = port;
    }
  }
  inv.hosts.set(name, h);
  const g = group(inv, groupName);
  if (!g.hosts.includes(name)) g.hosts.push(name);
}

/** `web[1:3].example.com` → web1…web3 (Ansible's numeric ranges, zero padding kept). */
function expandRange(name: string): string[] {
  const m = /^(.*)\[(\d+):(\d+)\](.*)$/.exec(name);
  if (!m) return [name];
  const [, pre, a, b, post] = m as unknown as [string, string, string, string, string];
  const out: string[] = [];
  const width = a.startsWith('0') ? a.length : 0;
  for (let i = Number(a); i <= Number(b); i++) out.push(...expandRange(`${pre}${String(i).padStart(width, '0')}${post}`));
  return out;
}

/** `k=v k2="v 2"` pairs after an INI host name. */
function iniVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Za-z_][\w]*)=("[^"]*"|'[^']*'|\S*)/g)) out[m[1] as string] = (m[2] as string).replace(/^(["'])(.*)\1$/, '$2');
  return out;
}

export function parseIniInventory(text: string, file: string): Inventory {
  const inv: Inventory = { hosts: new Map(), groups: new Map() };
  let section = 'ungrouped';
  let kind: 'hosts' | 'children' | 'vars' = 'hosts';
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const where = `${file}:${i + 1}`;
    const sec = /^\[([^\]:]+)(?::(children|vars))?\]$/.exec(line);
    if (sec) {
      section = sec[1] as string;
      kind = (sec[2] as 'children' | 'vars' | undefined) ?? 'hosts';
      group(inv, section);
      return;
    }
    if (line.startsWith('[')) throw new TargetError(`${where}: cannot read the section header ${JSON.stringify(line)}`);
    if (kind === 'vars') return; // group variables other than connection ones are Ansible's business
    const [name = '', ...rest] = line.split(/\s+/);
    if (kind === 'children') {
      const g = group(inv, section);
      if (!g.children.includes(name)) g.children.push(name);
      group(inv, name);
      return;
    }
    for (const h of expandRange(name)) addHost(inv, section, h, iniVars(rest.join(' ')), where);
  });
  return inv;
}

export function parseYamlInventory(text: string, file: string): Inventory {
  let data: unknown;
  try {
    data = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (e) {
    const ye = e as { mark?: { line: number }; reason?: string; message: string };
    throw new TargetError(`${file}:${(ye.mark?.line ?? 0) + 1}: not valid YAML: ${ye.reason ?? ye.message.split('\n')[0]}`);
  }
  const inv: Inventory = { hosts: new Map(), groups: new Map() };
  const isMap = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (data === null || data === undefined) return inv;
  if (!isMap(data)) throw new TargetError(`${file}: an inventory is a mapping of groups (all:, webservers:, …)`);
  const visit = (name: string, body: unknown): void => {
    const g = group(inv, name);
    if (body === null || body === undefined) return;
    if (!isMap(body)) throw new TargetError(`${file}: group ${name} must be a mapping (hosts:, children:, vars:)`);
    const hosts = body.hosts;
    if (hosts !== undefined && hosts !== null) {
      if (!isMap(hosts)) throw new TargetError(`${file}: ${name}.hosts must be a mapping of host names`);
      for (const [h, vars] of Object.entries(hosts)) for (const x of expandRange(h)) addHost(inv, name, x, isMap(vars) ? vars : {}, file);
    }
    const children = body.children;
    if (children !== undefined && children !== null) {
      if (!isMap(children)) throw new TargetError(`${file}: ${name}.children must be a mapping of groups`);
      for (const [child, childBody] of Object.entries(children)) {
        if (!g.children.includes(child)) g.children.push(child);
        visit(child, childBody);
      }
    }
  };
  for (const [name, body] of Object.entries(data)) visit(name, body);
  return inv;
}

/** INI unless the file looks like YAML (`.yml`/`.yaml`, or a first line `name:` / `---`). */
export function parseInventory(text: string, file: string): Inventory {
  const firstLine = text.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
  const looksYaml = /\.ya?ml$/i.test(file) || /^(---|[\w.-]+:\s*$)/.test(firstLine.trim());
  return looksYaml ? parseYamlInventory(text, file) : parseIniInventory(text, file);
}

/** The hosts of a group with its children, in inventory order, each once; a cycle is an error. */
export function groupHosts(inv: Inventory, name: string, seen: string[] = []): string[] {
  if (seen.includes(name)) throw new TargetError(`inventory group ${name} contains itself (${[...seen, name].join(' → ')})`);
  if (name === 'all' && !inv.groups.get('all')?.hosts.length && !inv.groups.get('all')?.children.length) return [...inv.hosts.keys()];
  const g = inv.groups.get(name);
  if (!g) throw new TargetError(`no group or host "${name}" in the inventory`);
  const out = [...g.hosts];
  for (const c of g.children) for (const h of groupHosts(inv, c, [...seen, name])) if (!out.includes(h)) out.push(h);
  return out;
}

/** `--on` names against an inventory: a group, or a host of it; the connection details come from its vars. */
export function resolveWithInventory(inv: Inventory, names: string[]): SshTarget[] {
  const out: SshTarget[] = [];
  for (const n of names) {
    const hosts = inv.groups.has(n) || n === 'all' ? groupHosts(inv, n) : inv.hosts.has(n) ? [n] : null;
    if (hosts === null) throw new TargetError(`no group or host "${n}" in the inventory (groups: ${[...inv.groups.keys()].filter((g) => g !== 'ungrouped').join(', ') || 'none'})`);
    for (const h of hosts) {
      if (out.some((t) => t.name === h)) continue;
      const v = inv.hosts.get(h)?.vars ?? {};
      const t = parseSshTarget(v.ansible_host ?? h, { ...(v.ansible_user !== undefined ? { user: v.ansible_user } : {}), ...(v.ansible_port !== undefined ? { port: v.ansible_port } : {}) });
      out.push({ ...t, name: h });
    }
  }
  return out;
}
