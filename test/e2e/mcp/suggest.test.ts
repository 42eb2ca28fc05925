// A command suggested through `runbook mcp` reaches the operator of a live run: shown at the next command prompt
// of the runner (in a real terminal), run only when the operator picks it with `u`, and recorded as suggested by
// ai:<client> and approved by the operator. Under --yes it is shown and recorded, never run.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN, cleanup, cliEnv, python3Available, readEvents, spawnCli, spawnPty, workDir } from '../../helpers/run-cli.js';

const f = '```';
let w: ReturnType<typeof workDir>;
let env: NodeJS.ProcessEnv;
let client: Client;

async function call(name: string, args: Record<string, unknown>): Promise<Record<string, any>> {
  const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: Record<string, unknown>; content: { text: string }[] };
  if (r.isError) throw new Error(`${name}: ${r.content.map((c) => c.text).join(' ')}`);
  return r.structuredContent ?? {};
}

const timelineOf = (runbook: string): string => {
  const name = readdirSync(w.path('incidents')).find((n) => n.endsWith(`-${runbook}.jsonl`));
  if (!name) throw new Error(`no timeline of ${runbook}`);
  return w.path(`incidents/${name}`);
};

beforeAll(async () => {
  python3Available();
  w = workDir();
  mkdirSync(w.path('runbooks'));
  w.write('runbooks/two.md', `# Two\n\n## First\n\n${f}sh\necho first-command\n${f}\n\n## Second\n\n${f}sh\necho second-command\n${f}\n`);
  w.write('runbooks/slow.md', `# Slow\n\n## Wait\n\n${f}sh\nsleep 3\n${f}\n\n## Then\n\n${f}sh\necho after-the-wait\n${f}\n`);
  env = cliEnv(w.dir, { RUNBOOK_ACTOR: 'operator-ann' });
  client = new Client({ name: 'vitest client', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: w.dir, env: env as Record<string, string>, stderr: 'ignore' }));
});

afterAll(async () => {
  await client?.close();
  cleanup();
});

describe('suggest_command reaches the operator', () => {
  it('shown at the next prompt, run with u after the operator approves, recorded with suggested-by and approved-by', async () => {
    const t = spawnPty(['run', 'runbooks/two.md'], { cwd: w.dir, env, timeoutMs: 60_000 });
    let at = await t.waitFor('Run 1.1?', { timeoutMs: 30_000 });
    const note = await call('add_note', { text: 'disk graph looks flat' });
    expect(note.actor).toBe('ai:vitest-client');
    const s = await call('suggest_command', { command: 'echo suggested-ran', reason: 'to see it run' });
    expect(s.id).toMatch(/^sg-[0-9a-f]{6}$/);
    t.type('r\r');
    at = await t.waitFor('Run 2.1?', { from: at });
    expect(t.screen()).toContain(`suggestion ${s.id} (ai:vitest-client): echo suggested-ran`);
    expect(t.screen()).toContain('to see it run');
    t.type('u\r');
    at = await t.waitFor(`Run ${s.id}?`, { from: at });
    t.type('r\r');
    at = await t.waitFor('suggested-ran', { from: at });
    at = await t.waitFor('Run 2.1?', { from: at });
    t.type('r\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);

    const events = readEvents(timelineOf('two'));
    expect(events.filter((e) => e.type === 'note')).toEqual([expect.objectContaining({ text: 'disk graph looks flat', actor: 'ai:vitest-client' })]);
    expect(events.filter((e) => e.type === 'suggestion')).toEqual([expect.objectContaining({ id: s.id, command: 'echo suggested-ran', reason: 'to see it run', actor: 'ai:vitest-client' })]);
    const started = events.filter((e) => e.type === 'command.started');
    expect(started.map((e) => e['command'])).toEqual(['echo first-command', 'echo suggested-ran', 'echo second-command']);
    expect(started[1]).toMatchObject({ id: s.id, suggestion: s.id, suggested_by: 'ai:vitest-client', approved_by: 'operator-ann' });
    expect(events.find((e) => e.type === 'command.finished' && e['id'] === s.id)).toMatchObject({ exit_code: 0 });
  });

  it('under --yes a suggestion is shown and recorded, never run', async () => {
    const run = spawnCli(['run', 'runbooks/slow.md', '--yes'], { cwd: w.dir, env, timeoutMs: 30_000 });
    // Once the run is live (its runner holds the timeline), suggest.
    await expect
      .poll(async () => ((await call('list_incidents', {})).incidents as { runbook: string; status: string }[]).some((i) => i.runbook === 'slow' && i.status === 'running'), { timeout: 15_000, interval: 100 })
      .toBe(true);
    const s = await call('suggest_command', { command: 'echo never-ran', reason: 'should not run under --yes; token AKIAABCDEFGHIJKLMNOP' });
    const exit = await run.done;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toContain(`suggestion ${s.id} (ai:vitest-client): echo never-ran`);
    expect(exit.stderr).toContain('--yes never runs a suggested command');
    expect(exit.stdout).toContain('after-the-wait');
    expect(exit.stdout).not.toContain('never-ran');
    const events = readEvents(timelineOf('slow'));
    // Its text is redacted like every recorded text: the key in the reason never reached the disk.
    expect(events.filter((e) => e.type === 'suggestion')).toEqual([expect.objectContaining({ id: s.id, reason: 'should not run under --yes; token [redacted]' })]);
    expect(readFileSync(timelineOf('slow'), 'utf8')).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(events.filter((e) => e.type === 'command.started').map((e) => e['command'])).toEqual(['sleep 3', 'echo after-the-wait']);
  });
});
