// The bundled library: lints clean, marks every state-changing command dangerous, and every `linux`
// runbook runs to completion under --yes on this machine.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchDanger } from '../../../src/runbook/danger.js';
import { resolveRunbook } from '../../../src/runbook/resolve.js';
import { showJson } from '../../../src/commands/show.js';
import { cleanup, cliEnv, readEvents, runCli, workDir, ROOT } from '../../helpers/run-cli.js';

// Once at the end, not after each test: the runs below are concurrent, and cleanup() kills every live CLI.
afterAll(() => cleanup());
const LIB = join(ROOT, 'runbooks');
const ids = readdirSync(LIB).filter((f) => f.endsWith('.md')).map((f) => f.replace(/\.md$/, '')).sort();

interface Shown {
  id: string;
  tags: string[];
  steps: { commands: { id: string; text: string; runnable: boolean; danger: boolean; attributes: Record<string, unknown> }[] }[];
}

/** The runbook as `show --json` prints it, in-process (the same loader and model; `show` itself is spawned in runbook-commands). */
async function show(id: string): Promise<Shown> {
  const w = workDir();
  return showJson((await resolveRunbook(id, [LIB], cliEnv(w.dir), w.dir)).runbook) as Shown;
}

describe('the bundled library', () => {
  it('has at least the twelve runbooks of the issue', () => {
    expect(ids).toEqual(expect.arrayContaining(['getting-started', 'disk-full', 'high-cpu', 'memory-oom', 'network-dns', 'tls-expiry', 'http-errors', 'systemd-crashloop', 'k8s-crashloop', 'postgres-connections', 'system-snapshot', 'deep-dive']));
  });

  it('lint reports zero problems', async () => {
    const w = workDir();
    const r = await runCli(['lint', LIB, '--json'], { cwd: w.dir, env: cliEnv(w.dir) });
    expect(JSON.parse(r.stdout)).toEqual({ problems: [] });
    expect(r.code).toBe(0);
  });

  it.concurrent.for(ids)('%s: every command matching a destructive pattern is explicitly marked danger=true', async (id, { expect }) => {
    const rb = await show(id);
    const unmarked = rb.steps.flatMap((s) => s.commands).filter((c) => c.runnable && matchDanger(c.text) && c.attributes.danger !== true);
    expect(unmarked.map((c) => `${c.id}: ${c.text}`)).toEqual([]);
  });
});

const linux: string[] = [];
for (const id of ids) {
  const text = readFileSync(join(LIB, `${id}.md`), 'utf8');
  if (/^tags:.*\blinux\b/m.test(text)) linux.push(id);
}

// Concurrent: several runbooks wait on the clock (`vmstat 1 5`, `top -d 1`), and each runs in its own dir.
describe('every linux runbook runs to completion under --yes in a temp dir', () => {
  it('there are linux runbooks', () => {
    expect(linux.length).toBeGreaterThanOrEqual(7);
  });

  it.concurrent.for(linux)('%s', async (id, { expect }) => {
    const w = workDir();
    // disk-full walks its mount with du and find: pointed at the test's own folder, it does the same work
    // in milliseconds instead of walking the whole root filesystem (15 s on a CI machine).
    // system-snapshot writes its file into out_dir (/tmp by default): the test's folder, not the machine's /tmp.
    const vars = id === 'disk-full' ? ['--var', `mount=${w.dir}`, '--var', `log_dir=${w.dir}`] : id === 'system-snapshot' ? ['--var', `out_dir=${w.dir}`] : [];
    const r = await runCli(['--dir', LIB, 'run', id, '--yes', '--timeline', 't.jsonl', ...vars], { cwd: w.dir, env: cliEnv(w.dir), timeoutMs: 180_000 });
    const events = readEvents(w.path('t.jsonl'));
    expect(events.at(-1), r.stderr.slice(-2000)).toMatchObject({ type: 'run.finished', status: 'completed' });
    expect(r.code).toBe(0);
  }, 200_000);
});

describe('getting-started', () => {
  it('runs end to end, dangerous step included, and cleans up after itself; the greeting takes a name with a space', async () => {
    const w = workDir();
    const r = await runCli(['--dir', LIB, 'run', 'getting-started', '--yes', '--allow-dangerous', '--timeline', 't.jsonl', '--var', 'name=Ada Lovelace'], { cwd: w.dir, env: cliEnv(w.dir), timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Hello, Ada Lovelace!');
    const events = readEvents(w.path('t.jsonl'));
    expect(events.filter((e) => e.type === 'command.skipped')).toEqual([]);
    expect(events.filter((e) => e.type === 'command.finished').length).toBeGreaterThan(3);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    // The tutorial's dangerous step removes the only thing it created.
    expect(existsSync(join(tmpdir(), `runbook-tutorial-${process.getuid?.() ?? 0}`))).toBe(false);
  }, 150_000);
});
