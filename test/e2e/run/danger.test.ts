// Nothing dangerous runs under --yes without --allow-dangerous: every destructive command of the table, each
// aimed at its own canary directory, spawned through the real CLI (a few runs of runbooks holding many cases).
// The cases safe to run for real run again with --allow-dangerous and destroy every canary: each would have
// hit its target.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, python3Available, readEvents, runCli, spawnPty, workDir } from '../../helpers/run-cli.js';
import { DESTRUCTIVE, type DangerCase } from '../../helpers/danger-cases.js';

afterEach(() => cleanup());

const f = '```';

/** One block per case (all in one step: fewer events to write), run in `cN/`, destroying `cN/canary`; plus the extra blocks given as-is. */
function casesRunbook(dir: string, cases: readonly DangerCase[], attrs: string, extra: string[] = []): string[] {
  const blocks = [
    ...cases.map((c) => ({ info: `sh {${attrs}}`, text: c.cmd.replaceAll('@X', 'canary') })),
    ...extra.map((e) => ({ info: e.slice(0, e.indexOf('\n')), text: e.slice(e.indexOf('\n') + 1) })),
  ];
  const cwds: string[] = [];
  const fences = blocks.map((b, i) => {
    const cwd = `c${i + 1}`;
    cwds.push(cwd);
    mkdirSync(join(dir, cwd, 'canary'), { recursive: true });
    writeFileSync(join(dir, cwd, 'canary', 'file'), 'precious\n');
    const info = b.info.replace('{', `{cwd=${cwd} allow_failure=true `);
    return `Case ${i + 1}:\n\n${f}${info}\n${b.text}\n${f}\n`;
  });
  writeFileSync(join(dir, 'cases.md'), `---\nvars:\n  - name: tool\n    default: rm\n---\n# Danger cases\n\n## All of them\n\n${fences.join('\n')}`);
  return cwds;
}

const standing = (dir: string, cwds: string[]): string[] => cwds.filter((c) => existsSync(join(dir, c, 'canary', 'file')));

async function yesRuns(dir: string, cwds: string[], thenAllow: boolean): Promise<void> {
  const safe = await runCli(['run', 'cases.md', '--yes', '--timeline', 'yes.jsonl'], { cwd: dir, timeoutMs: 90_000 });
  expect(safe.stderr).not.toMatch(/error/i);
  expect(safe.code).toBe(0);
  // Every canary stands, and every case was recorded as skipped: none was left out as "not a command".
  expect(standing(dir, cwds)).toEqual(cwds);
  const events = readEvents(join(dir, 'yes.jsonl'));
  expect(events.filter((e) => e.type === 'command.started')).toEqual([]);
  expect(events.filter((e) => e.type === 'command.skipped')).toHaveLength(cwds.length);
  if (!thenAllow) return;

  const allowed = await runCli(['run', 'cases.md', '--yes', '--allow-dangerous', '--timeline', 'allowed.jsonl'], { cwd: dir, timeoutMs: 90_000 });
  expect(allowed.code).toBe(0);
  expect(standing(dir, cwds)).toEqual([]);
  const started = readEvents(join(dir, 'allowed.jsonl')).filter((e) => e.type === 'command.started');
  expect(started).toHaveLength(cwds.length);
  expect(started.filter((e) => e['danger'] !== true)).toEqual([]);
}

describe('run --yes without --allow-dangerous leaves every canary standing', () => {
  it(`all ${DESTRUCTIVE.length} destructive commands, handed to no shell at all`, async () => {
    // Most cases would harm the test machine if they ran (reboot, iptables -F, mkfs). The block's shell is a
    // stand-in called `bash` that only destroys the canary of the directory it runs in: it destroys one
    // exactly when the runner hands it a command, which is the thing under test.
    const w = workDir();
    mkdirSync(w.path('fakebin'));
    const fake = w.path('fakebin/bash');
    writeFileSync(fake, '#!/bin/sh\nrm -rf canary\n');
    chmodSync(fake, 0o755);
    const cwds = casesRunbook(w.dir, [...DESTRUCTIVE, { cmd: '{{tool}} -rf @X', word: 'rm' }], `shell="${fake}"`);
    // The stand-in does destroy the canary of the directory it is started in.
    expect(spawnSync(fake, ['-c', 'ignored'], { cwd: w.path('c1') }).status).toBe(0);
    expect(standing(w.dir, cwds)).toEqual(cwds.slice(1));
    mkdirSync(w.path('c1/canary'));
    writeFileSync(w.path('c1/canary/file'), 'precious\n');
    await yesRuns(w.dir, cwds, false);
  }, 180_000);

  it.skipIf(!python3Available())('the cases that are safe to run for real, with bash, and a shell=python3 block', async () => {
    const w = workDir();
    const real = DESTRUCTIVE.filter((c) => c.real);
    expect(real.length).toBeGreaterThan(50);
    const cwds = casesRunbook(w.dir, [...real, { cmd: '{{tool}} -rf @X', word: 'rm' }], 'danger=false', [
      `sh {shell=python3}\nimport shutil; shutil.rmtree("canary")`,
    ]);
    // Then with --allow-dangerous: each of these really destroys its canary, so the first run proved something.
    await yesRuns(w.dir, cwds, true);
  }, 180_000);
});

describe.skipIf(!python3Available())('on a terminal (needs python3 with the pty module)', () => {
  it('an edit that makes a command dangerous asks for the word; the timeline records danger: true', async () => {
    const w = workDir();
    mkdirSync(w.path('victim'));
    writeFileSync(w.path('victim/file'), 'precious\n');
    w.write('edit.md', `# Edit\n\n## One\n\n${f}sh\necho safe\n${f}\n`);
    const t = spawnPty(['run', 'edit.md', '--timeline', 't.jsonl'], { cwd: w.dir });
    let at = await t.waitFor('Run 1.1?');
    t.type('e\r');
    at = await t.waitFor('Command to run:', { from: at });
    t.type(`${'\x7f'.repeat(20)}rm -rf victim\r`);
    at = await t.waitFor('1.1 is DANGEROUS. Run it?', { from: at });
    expect(t.screen().slice(at - 600, at)).toMatch(/looks destructive: rm -rf victim/);
    t.type('r\r');
    at = await t.waitFor('Type "rm" to run it', { from: at });
    t.type('safe\r');
    at = await t.waitFor('not run: the confirmation did not match "rm"', { from: at });
    expect(existsSync(w.path('victim/file'))).toBe(true);
    at = await t.waitFor('1.1 is DANGEROUS. Run it?', { from: at });
    t.type('r\r');
    at = await t.waitFor('Type "rm" to run it', { from: at });
    t.type('rm\r');
    const exit = await t.done;
    expect(exit.code).toBe(0);
    expect(existsSync(w.path('victim'))).toBe(false);
    const started = readEvents(w.path('t.jsonl')).filter((e) => e.type === 'command.started');
    expect(started).toEqual([expect.objectContaining({ id: '1.1', command: 'rm -rf victim', edited: true, danger: true })]);
  }, 60_000);
});
