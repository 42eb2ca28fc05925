// The OpenSSH transport against real sshd: values arrive byte for byte, an unreachable host is a host
// failure, and a timeout or Ctrl-C leaves nothing running on the host.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor } from '../../../src/adapters/executor.js';
import { createSshTransport } from '../../../src/fleet/ssh.js';
import { parseSshTarget, type Transport } from '../../../src/fleet/targets.js';
import { startSshd, type SshdFleet } from '../../helpers/sshd.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '../../../src/runbook/parse.js';
import { runRunbook } from '../../../src/runner/engine.js';
import { fakePorts } from '../../helpers/fake-ports.js';

let fleet: SshdFleet;
let transport: Transport;

beforeAll(async () => {
  fleet = await startSshd(2);
  transport = createSshTransport(createExecutor({ graceMs: 1000, pipeQuietMs: 10_000, pipeCapMs: 60_000 }), { configFile: fleet.config });
}, 120_000);
afterAll(async () => {
  await transport?.close();
  await fleet?.stop();
});

const collect = () => {
  const out = { stdout: '', stderr: '' };
  return { out, on: (s: 'stdout' | 'stderr', c: Buffer) => void (out[s] += c.toString('utf8')) };
};

/** Processes whose command line holds `marker` (the test's own pgrep excluded). */
function leftover(marker: string): string {
  try {
    return execFileSync('pgrep', ['-af', marker], { encoding: 'utf8' }).split('\n').filter((l) => l && !l.includes('pgrep')).join('\n');
  } catch {
    return '';
  }
}

describe('ssh transport', { timeout: 120_000 }, () => {
  it('passes a value byte for byte: quotes, $(…), backticks, newlines, non-ASCII', async () => {
    const v = `a'b"c $(touch /tmp/rb-pwned) \`id\` \\ ; | & \n\n\tend é 😀\n`;
    const { out, on } = collect();
    const r = await transport.run(parseSshTarget('web1'), { script: 'printf %s "$RUNBOOK_VAR_v" | base64 -w0; printf %s "$v" | base64 -w0', env: { v, RUNBOOK_VAR_v: v }, timeoutMs: 60_000 }, on);
    expect(r.exitCode).toBe(0);
    const b = Buffer.from(v).toString('base64');
    expect(out.stdout).toBe(b + b);
  });

  it('reports an unreachable host as a host failure with ssh\'s message', async () => {
    const { on } = collect();
    const r = await transport.run(parseSshTarget('down'), { script: 'true', env: {}, timeoutMs: 60_000 }, on);
    expect(r.exitCode).toBe(255);
    expect(r.hostError).toMatch(/connect to host .* Connection refused/);
  });

  it('a command exiting non-zero is a command failure, not a host failure', async () => {
    const r = await transport.run(parseSshTarget('web2'), { script: 'exit 3', env: {}, timeoutMs: 60_000 }, () => undefined);
    expect(r.exitCode).toBe(3);
    expect(r.hostError).toBeUndefined();
  });

  it('a timeout and a Ctrl-C end the command on the host with its children', async () => {
    const m1 = `rb-timeout-marker-${process.pid}`;
    const m2 = `rb-ctrlc-marker-${process.pid}`;
    const t = transport.run(parseSshTarget('web1'), { script: `sh -c 'sleep 300; : ${m1}' & sleep 301; : ${m1}`, env: {}, timeoutMs: 1500 }, () => undefined);
    const ac = new AbortController();
    const c = transport.run(parseSshTarget('web2'), { script: `sh -c 'sleep 300; : ${m2}' & sleep 301; : ${m2}`, env: {}, timeoutMs: 60_000, signal: ac.signal }, () => undefined);
    for (let i = 0; i < 600 && !leftover(m2); i++) await new Promise((r) => setTimeout(r, 100));
    expect(leftover(m2)).not.toBe(''); // it did run on the host
    ac.abort('interrupt');
    const [rt, rc] = await Promise.all([t, c]);
    expect(rt.timedOut).toBe(true);
    expect(rc.interrupted).toBe(true);
    // The host's watchdog sees the channel close and kills the group: TERM, then KILL after its grace.
    for (let i = 0; i < 100 && (leftover(m1) || leftover(m2)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(leftover(m1)).toBe('');
    expect(leftover(m2)).toBe('');
  }, 120_000);
});

describe('engine on hosts', () => {
  it('a command failing on one host is retried on that host only, and recorded per host', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'rb-retry-'));
    const mark = join(scratch, 'failed-once');
    const source = `# Retry\n\n## Once\n\n\`\`\`sh {on=targets}\nif [ "$RUNBOOK_TEST_HOST" = web2 ] && [ ! -e ${mark} ]; then touch ${mark}; echo broken >&2; exit 7; fi; echo "ok $RUNBOOK_TEST_HOST"\n\`\`\`\n`;
    const runbook = parseRunbook(source, '/rb/retry.md').runbook;
    const ports = fakePorts(['r', 'r']);
    const targets = [parseSshTarget('web1'), parseSshTarget('web2')];
    const outcome = await runRunbook(
      {
        runbook, mode: 'live', yes: false, allowDangerous: false, fromStep: 1, vars: [], env: {}, cwd: '/', shell: '/bin/sh',
        defaultTimeoutMs: 30_000, incident: 'retry', actor: 'tester', host: 'here', cliVersion: '0.0.0',
        fleet: { byOn: new Map([['targets', targets]]), all: targets, parallel: 2 },
      },
      { ...ports, transport },
    );
    rmSync(scratch, { recursive: true, force: true });
    expect(ports.asked).toEqual(['command 1.1', 'failure 1.1']);
    expect(outcome.status).toBe('completed');
    const ev = ports.events.map((e) => e as unknown as Record<string, unknown>);
    expect(ev.filter((e) => e.type === 'targets.confirmed')).toEqual([expect.objectContaining({ hosts: ['web1', 'web2'], confirmed_by: 'operator' })]);
    expect(ev.filter((e) => e.type === 'command.started').map((e) => e.hosts)).toEqual([['web1', 'web2'], ['web2']]);
    const finished = ev.filter((e) => e.type === 'command.finished').map((e) => `${String(e.host)} ${String(e.exit_code)}`);
    expect(finished.slice(0, 2).sort()).toEqual(['web1 0', 'web2 7']);
    expect(finished[2]).toBe('web2 0');
    const out = ev.filter((e) => e.type === 'command.output').map((e) => `${String(e.host)}:${String(e.data)}`);
    expect(out).toEqual(expect.arrayContaining(['web1:ok web1\n', 'web2:broken\n', 'web2:ok web2\n']));
    expect(ports.executed).toEqual([]); // nothing ran on this machine
  }, 120_000);
});
