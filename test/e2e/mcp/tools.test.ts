// `runbook mcp` through the SDK's own client over a real stdio child process (one server for the file): every
// tool and resource, what they return compared with the CLI's own output, the bad inputs, and that the only
// processes the server ever starts are system_snapshot's fixed list.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN, ROOT, cleanup, cliEnv, runCli, workDir } from '../../helpers/run-cli.js';
import { SNAPSHOT_COMMANDS } from '../../../src/mcp/snapshot.js';

const f = '```';
const FIXTURE = 'disk-full-completed.jsonl';
const LOG_SPAWNS = join(ROOT, 'test', 'helpers', 'log-spawns.mjs');
let w: ReturnType<typeof workDir>;
let env: NodeJS.ProcessEnv;
let client: Client;
let stderr = '';

type Structured = Record<string, unknown> & { isError?: boolean };
async function call(name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; data: Record<string, any>; text: string }> {
  const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: Structured; content: { type: string; text: string }[] };
  return { isError: r.isError === true, data: r.structuredContent ?? {}, text: r.content.map((c) => c.text).join('\n') };
}

beforeAll(async () => {
  w = workDir();
  mkdirSync(w.path('runbooks'));
  w.write('runbooks/disk.md', `---\nid: disk\ntags: [linux, mcp-storage]\ndescription: The disk is filling up\n---\n# Disk full (wombat)\n\n## Look\n\nSee what is big.\n\n${f}sh\ndu -xh / | sort -h | tail\n${f}\n\n## Clean\n\n${f}sh\nrm -rf /var/tmp/cache\n${f}\n`);
  w.write('runbooks/net.md', `---\nid: net\ntags: [linux, network]\n---\n# Network listeners\n\n## Sockets\n\nWhich ports are listening (a quokka and a wombat).\n\n${f}sh\nss -ltn\n${f}\n`);
  mkdirSync(w.path('incidents'));
  copyFileSync(join(ROOT, 'test', 'fixtures', 'timelines', FIXTURE), w.path(`incidents/${FIXTURE}`));
  w.write('outside.jsonl', readFileSync(join(ROOT, 'test', 'fixtures', 'timelines', FIXTURE), 'utf8'));
  symlinkSync('/etc/passwd', w.path('incidents/evil.jsonl'));
  env = cliEnv(w.dir, { RUNBOOK_PATH: w.path('runbooks'), RUNBOOK_LOG_SPAWNS: w.path('spawns.log') });
  const transport = new StdioClientTransport({ command: process.execPath, args: ['--import', LOG_SPAWNS, BIN, 'mcp'], cwd: w.dir, env: env as Record<string, string>, stderr: 'pipe' });
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  client = new Client({ name: 'vitest client', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  cleanup();
});

describe('runbook mcp over stdio, with the SDK client', () => {
  it('lists every tool with input and output schemas; only add_note and suggest_command are not read-only', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['add_note', 'incident_status', 'list_incidents', 'list_runbooks', 'read_timeline', 'search_runbooks', 'show_runbook', 'suggest_command', 'summarize_incident', 'system_snapshot'],
    );
    for (const t of tools) {
      expect(t.inputSchema.type, t.name).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(t.annotations?.readOnlyHint, t.name).toBe(!['add_note', 'suggest_command'].includes(t.name));
    }
    expect(client.getServerVersion()?.name).toBe('runbook');
  });

  it('list_runbooks returns exactly what `runbook list --json` prints, filters included', async () => {
    const cli = await runCli(['list', '--json'], { cwd: w.dir, env });
    const all = await call('list_runbooks');
    expect(all.isError).toBe(false);
    expect(all.data.runbooks).toEqual(JSON.parse(cli.stdout));
    const storage = await call('list_runbooks', { tag: ['mcp-storage'] });
    expect(storage.data.runbooks.map((r: { id: string }) => r.id)).toEqual(['disk']);
  });

  it('show_runbook gives steps, commands and variables, with dangerous commands marked', async () => {
    const r = await call('show_runbook', { id: 'disk' });
    expect(r.data.steps.map((s: { title: string }) => s.title)).toEqual(['Look', 'Clean']);
    expect(r.data.steps[1].commands[0]).toMatchObject({ text: 'rm -rf /var/tmp/cache', danger: true });
    expect(r.data.dangerous_commands).toEqual([expect.objectContaining({ id: '2.1', text: 'rm -rf /var/tmp/cache' })]);
    expect(r.data.steps[0].commands[0].danger).toBe(false);
  });

  it('search_runbooks ranks title and prose matches; every word must match', async () => {
    const r = await call('search_runbooks', { query: 'quokka ports' });
    expect(r.data.results.map((x: { id: string }) => x.id)).toEqual(['net']);
    // In the title beats in the prose.
    const both = await call('search_runbooks', { query: 'wombat' });
    expect(both.data.results.map((x: { id: string }) => x.id)).toEqual(['disk', 'net']);
    expect((await call('search_runbooks', { query: 'nothing-like-this' })).data.total).toBe(0);
  });

  it('list_incidents, read_timeline in pages, summarize_incident (= export --format json facts), incident_status', async () => {
    const inc = await call('list_incidents');
    expect(inc.data.incidents).toEqual([expect.objectContaining({ name: FIXTURE, status: 'completed', runbook: 'disk-full' })]);

    const p1 = await call('read_timeline', { timeline: FIXTURE, limit: 3 });
    expect(p1.data.events.map((e: { seq: number }) => e.seq)).toEqual([0, 1, 2]);
    expect(p1.data.next_seq).toBe(3);
    const p2 = await call('read_timeline', { timeline: FIXTURE.replace('.jsonl', ''), from_seq: 3, limit: 1000 });
    expect(p2.data.events[0].seq).toBe(3);
    expect(p2.data.next_seq).toBeNull();

    const exported = JSON.parse((await runCli(['export', `incidents/${FIXTURE}`, '--format', 'json'], { cwd: w.dir, env })).stdout);
    const sum = await call('summarize_incident', { timeline: `incidents/${FIXTURE}` });
    const { timeline, failed_commands, suggestions, ...facts } = sum.data;
    expect(facts).toEqual(exported);
    expect(timeline).toBe(FIXTURE);
    expect(failed_commands).toEqual(exported.steps.flatMap((s: { index: number; commands: { id: string; exit_code: number | null; skipped: boolean }[] }) => s.commands.filter((c) => !c.skipped && c.exit_code !== 0).map((c) => expect.objectContaining({ step: s.index, id: c.id }))));
    expect(suggestions).toEqual([]);

    const st = await call('incident_status', { timeline: FIXTURE });
    expect(st.data).toMatchObject({ timeline: FIXTURE, state: 'completed', incident: '20261128-030000-disk-full', finished: 'completed', command: null });
  });

  it('resources: runbook://<id> is the Markdown, timeline://<name> the JSON Lines', async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining(['runbook://disk', 'runbook://net', `timeline://${FIXTURE}`]));
    const md = await client.readResource({ uri: 'runbook://disk' });
    expect(md.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: readFileSync(w.path('runbooks/disk.md'), 'utf8') });
    const tl = await client.readResource({ uri: `timeline://${FIXTURE}` });
    const lines = String(tl.contents[0]?.text).trim().split('\n');
    expect(lines).toHaveLength(33);
    expect(JSON.parse(lines[0] as string).type).toBe('run.started');
  });

  it('system_snapshot returns load, memory, disks and the rest as JSON, from its fixed commands only', async () => {
    const r = await call('system_snapshot');
    expect(r.isError).toBe(false);
    expect(r.data.memory.total_kb).toBeGreaterThan(0);
    expect(typeof r.data.load['1m']).toBe('number');
    expect(r.data.disks.some((d: { mount: string }) => d.mount === '/')).toBe(true);
    expect(r.data.top_cpu.length).toBeGreaterThan(0);
  });

  it('bad input is an error result or a protocol error, never a crash', async () => {
    const unknown = await call('show_runbook', { id: 'dsk' });
    expect(unknown).toMatchObject({ isError: true });
    expect(unknown.text).toMatch(/unknown runbook "dsk" \(did you mean disk/);
    for (const timeline of ['../../etc/passwd', '/etc/passwd', 'evil.jsonl', '../outside.jsonl', w.path('outside.jsonl'), 'incidents', '.', '']) {
      const r = await call('read_timeline', { timeline });
      expect(r.isError, timeline).toBe(true);
      expect(r.text).not.toMatch(/root:/);
    }
    expect((await call('suggest_command', { command: 'x'.repeat(5000), reason: 'too long' })).isError).toBe(true);
    expect((await call('add_note', { text: 'nobody is running' })).text).toMatch(/no live run in progress/);
    expect((await call('no_such_tool')).isError).toBe(true);
    await expect(client.readResource({ uri: 'runbook://nope' })).rejects.toThrow(/unknown runbook/);
    await expect(client.readResource({ uri: 'timeline://..%2F..%2Fetc%2Fpasswd' })).rejects.toThrow(/no timeline/);
    // Still serving.
    expect((await call('list_runbooks')).isError).toBe(false);
    expect(stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });

  it('the server started no process but system_snapshot\'s fixed commands', () => {
    const log = existsSync(w.path('spawns.log')) ? readFileSync(w.path('spawns.log'), 'utf8').trim().split('\n').filter(Boolean) : [];
    const allowed = Object.values(SNAPSHOT_COMMANDS).map((c) => JSON.stringify([c.file, [...c.args]]));
    expect(log.length).toBeGreaterThanOrEqual(5);
    for (const line of log) {
      const { file, args } = JSON.parse(line) as { file: string; args: string[] };
      expect(allowed).toContain(JSON.stringify([file, args.slice(1)]));
    }
  });
});

describe('runbook mcp: raw protocol abuse', () => {
  it('an oversized line and garbage get JSON-RPC errors; a client that leaves mid-call ends the server cleanly', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp'], { cwd: w.dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const lines = async (n: number): Promise<Record<string, any>[]> => {
      await expect.poll(() => out.split('\n').filter(Boolean).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(n);
      return out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    };
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`);
    child.stdin.write(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_note","arguments":{"text":"${'a'.repeat(2 * 1024 * 1024)}"}}}\n`);
    child.stdin.write('this is not json\n');
    const got = await lines(3);
    expect(got[0]).toMatchObject({ id: 1, result: { serverInfo: { name: 'runbook' } } });
    expect(got[1]).toMatchObject({ id: null, error: { code: -32600, message: expect.stringMatching(/over the limit/) } });
    expect(got[2]).toMatchObject({ id: null, error: { code: -32700 } });
    // A long call, then the client is gone: stdout closed under the answer, stdin ended.
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'system_snapshot', arguments: {} } })}\n`);
    child.stdout.destroy();
    child.stdin.end();
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code).toBe(0);
    expect(err).not.toMatch(/internal error|Error:|at .*\.js:\d+/);
  });
});
