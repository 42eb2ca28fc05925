// What commands left in the shell session reads back in replay and every export: names always, each
// recorded value beside its name (a secret, whose value was never recorded, by name only), per host on hosts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTimeline } from '../../../src/commands/export.js';
import { replay } from '../../../src/commands/replay.js';
import type { ExportFormat } from '../../../src/cli.js';
import type { EventBody } from '../../../src/timeline/events.js';
import { fakeIo, runStarted, timeline } from './helpers.js';

const finished = (id: string, host?: string): EventBody => ({ type: 'command.finished', id, exit_code: 0, signal: null, duration_ms: 5, timed_out: false, interrupted: false, omitted_bytes: 0, ...(host ? { host } : {}) });

function write(): string {
  const events = timeline([
    [0, runStarted('# T\n\n## One\n\n## Two\n')],
    [10, { type: 'step.started', step: 1, title: 'One' }],
    [20, { type: 'command.started', step: 1, id: '1.1', command: 'export POD=… DB_PASSWORD=…; cd /var/log/app', edited: false, danger: false }],
    [30, finished('1.1')],
    [31, { type: 'session.changed', id: '1.1', added: 'DB_PASSWORD MSG POD', changed: '', removed: '', cwd: '/var/log/app', values: JSON.stringify({ POD: 'api-7d9f', MSG: 'two\nlines' }) }],
    [40, { type: 'step.started', step: 2, title: 'Two' }],
    [50, { type: 'command.started', step: 2, id: '2.1', command: 'export PATH=/opt/bin:$PATH; unset OLD', edited: false, danger: false, hosts: ['web1', 'web2'] }],
    [60, finished('2.1', 'web1')],
    [61, { type: 'session.changed', id: '2.1', added: '', changed: 'PATH', removed: 'OLD', cwd: '', values: JSON.stringify({ PATH: '/opt/bin:/usr/bin' }), host: 'web1' }],
    [62, finished('2.1', 'web2')],
    [70, { type: 'run.finished', status: 'completed', duration_ms: 70 }],
  ]);
  const path = join(mkdtempSync(join(tmpdir(), 'runbook-session-change-')), 't.jsonl');
  writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return path;
}

const LOCAL = 'env: +DB_PASSWORD, +MSG="two\\nlines", +POD=api-7d9f · cwd: /var/log/app';
const WEB1 = 'web1: env: ~PATH=/opt/bin:/usr/bin, -OLD';

async function exported(path: string, format: ExportFormat): Promise<string> {
  const io = fakeIo();
  expect(await exportTimeline(path, { format }, io)).toBe(0);
  return io.out();
}

describe('session changes afterwards', () => {
  const path = write();

  it('replay shows each change under its command, with the recorded values and the host', async () => {
    const io = fakeIo();
    expect(await replay(path, { speed: 1, maxIdle: 2, instant: true, follow: false, json: false }, io)).toBe(0);
    const out = io.out();
    expect(out).toContain(`  ${LOCAL}\n`);
    expect(out).toContain(`  ${WEB1}\n`);
    expect(out.indexOf(LOCAL)).toBeLessThan(out.indexOf('Two'));
    expect(out).not.toMatch(/web2: env/);
  });

  it('the markdown timeline puts them on the command row', async () => {
    const md = await exported(path, 'markdown');
    expect(md).toMatch(/\| Ran 1\.1 .*: exit 0.*; `env: \+DB_PASSWORD, \+MSG="two\\nlines", \+POD=api-7d9f · cwd: \/var\/log\/app` \|/);
    expect(md).toMatch(/\| Ran 2\.1 .*on 2 hosts; `web1: env: ~PATH=\/opt\/bin:\/usr\/bin, -OLD` \|/);
  });

  it('the JSON export has them per command, the values only as recorded', async () => {
    const doc = JSON.parse(await exported(path, 'json')) as { steps: { commands: { session?: unknown }[] }[] };
    expect(doc.steps[0]?.commands[0]?.session).toEqual([{ added: ['DB_PASSWORD', 'MSG', 'POD'], changed: [], removed: [], cwd: '/var/log/app', values: { POD: 'api-7d9f', MSG: 'two\nlines' } }]);
    expect(doc.steps[1]?.commands[0]?.session).toEqual([{ host: 'web1', added: [], changed: ['PATH'], removed: ['OLD'], values: { PATH: '/opt/bin:/usr/bin' } }]);
  });

  it('the HTML report lists them in the command, escaped', async () => {
    const html = await exported(path, 'html');
    expect(html).toContain('<ul class="session"><li class="mono">env: +DB_PASSWORD, +MSG=&quot;two\\nlines&quot;, +POD=api-7d9f · cwd: /var/log/app</li></ul>');
    expect(html).toContain(`<li class="mono">${WEB1}</li>`);
  });
});
