// runbook mcp in-process: the answer to initialize written before the SDK loads is the SDK's own answer, the
// line reader bounds message size, and no tool starts a process except system_snapshot's fixed list.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_PROTOCOL_VERSIONS, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { asInitialize, initializeResponse, PROTOCOL_VERSIONS } from '../../../src/mcp/hello.js';
import { LineSplitter } from '../../../src/mcp/lines.js';
import { aiActor, type Spawner } from '../../../src/mcp/context.js';
import { SNAPSHOT_COMMANDS } from '../../../src/mcp/snapshot.js';
import { startServer } from '../../../src/mcp/server.js';
import type { Wire } from '../../../src/mcp/lines.js';

const f = '```';
let dir: string;
const spawned: { file: string; args: readonly string[]; during: string }[] = [];
let current = '';
const recorder: Spawner = async (file, args) => {
  spawned.push({ file, args, during: current });
  return file === 'df' ? { stdout: 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 100 91 9 91% /\n' } : { stdout: '', failure: 'not here' };
};

/** A server on an in-memory wire: `call` sends one request and resolves with its response. */
async function inProcess(answered?: number) {
  const out: Record<string, unknown>[] = [];
  const waiting = new Map<unknown, (m: Record<string, unknown>) => void>();
  const wire: Wire = {
    write(m) {
      const msg = m as Record<string, unknown>;
      out.push(msg);
      waiting.get(msg.id)?.(msg);
    },
    answered,
  };
  const server = await startServer({ dirs: [join(dir, 'runbooks')], env: { RUNBOOK_TIMELINE_DIR: join(dir, 'incidents'), XDG_CACHE_HOME: join(dir, 'cache'), RUNBOOK_NO_CACHE: '1' }, cwd: dir, log: () => undefined, spawn: recorder }, wire);
  let id = 100;
  const call = (method: string, params: unknown = {}): Promise<Record<string, unknown>> => {
    const n = id++;
    const p = new Promise<Record<string, unknown>>((r) => waiting.set(n, r));
    server.receive({ kind: 'line', text: JSON.stringify({ jsonrpc: '2.0', id: n, method, params }) });
    return p;
  };
  return { server, out, call };
}

const init = (protocolVersion: string, id = 1) => ({ jsonrpc: '2.0' as const, id, method: 'initialize' as const, params: { protocolVersion, capabilities: {}, clientInfo: { name: 'Claude Desktop', version: '1' } } });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-mcp-unit-'));
  mkdirSync(join(dir, 'runbooks'));
  writeFileSync(join(dir, 'runbooks', 'disk.md'), `---\nid: disk\n---\n# Disk full\n\n## Look\n\n${f}sh\ndf -h\n${f}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runbook mcp: the early answer to initialize', () => {
  it('knows the SDK\'s protocol versions, newest first', () => {
    expect([...PROTOCOL_VERSIONS]).toEqual(SUPPORTED_PROTOCOL_VERSIONS);
    expect(PROTOCOL_VERSIONS[0]).toBe(LATEST_PROTOCOL_VERSION);
  });

  it.each(['2025-06-18', '2024-11-05', '1999-01-01'])('is the SDK server\'s own answer (client asks %s)', async (version) => {
    const { server, out } = await inProcess();
    server.receive({ kind: 'line', text: JSON.stringify(init(version)) });
    await expect.poll(() => out.length).toBe(1);
    expect(initializeResponse(asInitialize(JSON.stringify(init(version)))!)).toEqual(out[0]);
    await server.close();
  });

  it('the server\'s second answer to an initialize already answered is dropped; later requests are answered', async () => {
    const { server, out, call } = await inProcess(1);
    server.receive({ kind: 'line', text: JSON.stringify(init('2025-06-18')) });
    const r = await call('ping');
    expect(r).toEqual({ jsonrpc: '2.0', id: 100, result: {} });
    expect(out.filter((m) => m.id === 1)).toEqual([]);
    await server.close();
  });

  it('only a well-formed initialize is answered early', () => {
    expect(asInitialize('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toBeNull();
    expect(asInitialize('not json')).toBeNull();
    expect(asInitialize(JSON.stringify({ ...init('x'), params: { protocolVersion: 'x' } }))).toBeNull();
    expect(asInitialize(JSON.stringify(init('2025-06-18')))).not.toBeNull();
  });
});

describe('runbook mcp: reading lines', () => {
  it('splits lines across chunks and drops one over the limit, reporting its size', () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.from('{"a":1}\n{"b"'))).toEqual([{ kind: 'line', text: '{"a":1}' }]);
    expect(s.push(Buffer.from(':2}\n'))).toEqual([{ kind: 'line', text: '{"b":2}' }]);
    expect(s.push(Buffer.from('x'.repeat(8)))).toEqual([]);
    expect(s.push(Buffer.from('y'.repeat(8)))).toEqual([]);
    expect(s.push(Buffer.from('z\n{}\n'))).toEqual([{ kind: 'oversized', bytes: 17 }, { kind: 'line', text: '{}' }]);
  });

  it('names the AI actor from the client name, without anything a terminal or a shell would read', () => {
    expect(aiActor('Claude Desktop')).toBe('ai:Claude-Desktop');
    expect(aiActor('\x1b[31mevil\n$(rm)')).toBe('ai:31mevil-rm');
    expect(aiActor(undefined)).toBe('ai:unknown');
  });
});

describe('runbook mcp: no tool starts a process except system_snapshot, and it only its fixed list', () => {
  it('calls every tool; processes are started only during system_snapshot, each one of SNAPSHOT_COMMANDS', async () => {
    const { server, call } = await inProcess();
    await call('initialize', init('2025-06-18').params);
    const tools = ((await call('tools/list')).result as { tools: { name: string }[] }).tools.map((t) => t.name);
    const args: Record<string, unknown> = {
      list_runbooks: {},
      show_runbook: { id: 'disk' },
      search_runbooks: { query: 'disk' },
      list_incidents: {},
      incident_status: {},
      read_timeline: { timeline: 'x.jsonl' },
      summarize_incident: { timeline: 'x.jsonl' },
      add_note: { text: 'hello' },
      suggest_command: { command: 'rm -rf /', reason: 'why not' },
      system_snapshot: {},
    };
    let snapshot: Record<string, unknown> | undefined;
    for (const name of tools) {
      current = name;
      const r = (await call('tools/call', { name, arguments: args[name] ?? {} })).result as { isError?: boolean; structuredContent?: Record<string, unknown> };
      expect(r, name).toBeDefined();
      if (name === 'system_snapshot') snapshot = r.structuredContent;
    }
    current = 'resources';
    await call('resources/list');
    await call('resources/read', { uri: 'runbook://disk' });
    current = '';
    await server.close();
    expect(tools).toContain('system_snapshot');
    expect(new Set(spawned.map((s) => s.during))).toEqual(new Set(['system_snapshot']));
    const allowed = Object.values(SNAPSHOT_COMMANDS).map((c) => JSON.stringify([c.file, c.args]));
    for (const s of spawned) expect(allowed).toContain(JSON.stringify([s.file, s.args]));
    expect(spawned.length).toBeGreaterThanOrEqual(5);
    // The recorder's df answer comes back parsed; the commands that failed are named, not fatal.
    expect(snapshot?.disks).toEqual([{ filesystem: '/dev/sda1', size_kb: 100, used_kb: 91, available_kb: 9, use_pct: 91, mount: '/' }]);
    expect(Object.keys(snapshot?.unavailable as object)).toEqual(expect.arrayContaining(['processes', 'listening']));
  });
});
