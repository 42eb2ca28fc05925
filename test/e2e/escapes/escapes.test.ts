// Terminal traps in a runbook and in a timeline, through every command that prints them: nothing but the
// colours of command output reaches the terminal raw. One hostile runbook and one hostile timeline, a few spawns.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cliEnv, python3Available, runCli, spawnPty, workDir, type Exit } from '../../helpers/run-cli.js';
import { runInProcess } from '../../helpers/in-process.js';

const ESC = '\u001b';
/** Every class of trap, once each: CSI cursor moves, OSC 0 (BEL) and 52 (ST), DCS, C1 (8-bit CSI, OSC, NEL), lone CR, backspace, BEL. */
const TRAP = `[${ESC}[3G${ESC}[K|${ESC}]0;title-trap\u0007|${ESC}]52;c;Y2xpcA==${ESC}\\|${ESC}P1$r0m${ESC}\\|\u009b2J|\u009d0;c1\u009c|\u0085|cr\rX|bs\b\b|bel\u0007]`;
/** The same trap in a YAML double-quoted string (the front-matter cannot hold raw controls). */
const YAML_TRAP = String.raw`[\e[3G\e[K|\e]0;title-trap\a|\e]52;c;Y2xpcA==\e\\|\eP1$r0m\e\\|\x9b2J|\x9d0;c1\x9c|\x85|cr\rX|bs\b\b|bel\a]`;
const SGR_RED = `${ESC}[31mred${ESC}[0m`;
// (A value never holds a subscript with a "$" after it, which bash can run: the default leaves the DCS's "$" out.)
/** Output may keep its colours; every other sequence in it is dropped. No lone CR: a progress bar's CR is kept. */
const OUTPUT = `out ${SGR_RED} ${TRAP.replace('cr\rX', 'crX')} end\n`;

// Anything a terminal would obey: C0 except tab and newline, DEL, C1. SGR is allowed only where said.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;:]*m/g;

function expectInert(text: string, where: string, opts: { sgr?: boolean } = {}): void {
  const rest = opts.sgr ? text.replace(SGR, '') : text;
  const m = RAW_CONTROL.exec(rest);
  expect(m ? `${where}: raw U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(rest.slice(Math.max(0, m.index - 30), m.index + 30))}` : null).toBeNull();
}

function expectClean(r: Exit, where: string, opts: { sgr?: boolean } = {}): void {
  expectInert(r.stdout, `${where} stdout`, opts);
  expectInert(r.stderr, `${where} stderr`);
}

const runbook = `---
id: hostile
title: "Title ${YAML_TRAP}"
description: "Description ${YAML_TRAP}"
severity: "sev1 ${YAML_TRAP}"
tags: ["tag ${YAML_TRAP}"]
services: ["svc ${YAML_TRAP}"]
owner: "owner ${YAML_TRAP}"
last_reviewed: 2026-11-28
vars:
  - name: target
    description: "Var description ${YAML_TRAP}"
    default: "default ${YAML_TRAP.replace('$', '')}"
    type: text
---
# Hostile

Intro ${TRAP}

## Step ${TRAP}

Prose ${TRAP}

- [ ] Check ${TRAP}

\`\`\`sh
touch X # ${ESC}[3G${ESC}[K$ uptime
\`\`\`

\`\`\`sh
printf 'out \\033[31mred\\033[0m \\033]0;out-title\\007 \\033]52;c;b3V0\\033\\\\ \\033[2J\\033P1$r\\033\\\\ \\302\\2332J end\\n'
\`\`\`
`;

const t0 = Date.parse('2026-11-28T03:00:00.000Z');
function timeline(): string {
  let seq = 0;
  const line = (mono: number, body: Record<string, unknown>): string =>
    JSON.stringify({ v: 1, seq: seq++, ts: new Date(t0 + mono).toISOString(), mono_ms: mono, ...body });
  const t = (what: string): string => `${what} ${TRAP}`;
  return [
    line(0, {
      type: 'run.started',
      incident: t('incident'),
      runbook: { id: t('hostile'), title: t('Title'), path: t('runbooks/hostile.md'), sha256: '0'.repeat(64), source: runbook },
      mode: 'live',
      actor: t('alice'),
      host: t('web-1'),
      cwd: t('/srv'),
      cli_version: '0.1.0',
    }),
    line(5, { type: 'var.set', name: t('target'), value: t('value'), source: 'flag' }),
    line(10, { type: 'mark', what: 'detected', text: t('alert'), actor: t('bob') }),
    line(20, { type: 'step.started', step: 1, title: t('Step') }),
    line(30, { type: 'check.confirmed', step: 1, text: t('Check') }),
    line(40, { type: 'command.started', step: 1, id: t('1.1'), command: t('touch X #'), edited: false, danger: false }),
    line(50, { type: 'command.output', id: t('1.1'), stream: 'stdout', data: OUTPUT }),
    // A colour and a title cut between two output events: the colour still works, the title is still dropped.
    line(55, { type: 'command.output', id: t('1.1'), stream: 'stderr', data: `half ${ESC}[3` }),
    line(56, { type: 'command.output', id: t('1.1'), stream: 'stderr', data: `2mgreen${ESC}[0m ${ESC}]0;cut-` }),
    line(57, { type: 'command.output', id: t('1.1'), stream: 'stderr', data: `title\u0007 done\n` }),
    line(60, { type: 'command.finished', id: t('1.1'), exit_code: null, signal: t('SIGKILL'), duration_ms: 20, timed_out: false, interrupted: false, omitted_bytes: 0 }),
    line(70, { type: 'command.skipped', step: 1, id: t('1.2'), command: t('printf') }),
    line(80, { type: 'note', text: t('Note'), actor: t('carol') }),
    // The markdown postmortem case: a lone CR must not end the table row and start a heading.
    line(85, { type: 'note', text: 'first line\r# Heading outside the table', actor: 'carol' }),
    line(90, { type: 'step.completed', step: 1, title: t('Step') }),
    line(95, { type: 'step.skipped', step: 2, title: t('Skipped') }),
    line(100, { type: 'mark', what: 'resolved', text: t('fixed'), actor: t('bob') }),
    line(110, { type: 'run.finished', status: 'failed', duration_ms: 110 }),
  ].join('\n') + '\n';
}

const w = workDir();
const env = cliEnv(w.dir);
const lib = join(w.dir, 'lib');
const incidents = join(w.dir, 'incidents');
// A file name is whatever is on disk: a shared incidents folder may hold a hostile one.
const tl = join(incidents, `evil${ESC}]0;file-title\u0007.jsonl`);
// The first case through the binary; the others call the bundle's main() in-process (the same bytes out, no Node start each).
const spawned = (args: string[]): Promise<Exit> => runCli(args, { cwd: w.dir, env, timeoutMs: 60_000 });
const cli = (args: string[]): Promise<Exit> => runInProcess(args, { cwd: w.dir, env });

beforeAll(() => {
  mkdirSync(lib);
  mkdirSync(incidents);
  writeFileSync(join(lib, 'hostile.md'), runbook);
  writeFileSync(tl, timeline());
});
afterAll(() => cleanup());

describe('terminal traps from a runbook', () => {
  it('show prints every field visibly: the approved command reads as what it is', async () => {
    const r = await spawned(['show', join(lib, 'hostile.md')]);
    expect(r.code).toBe(0);
    expectClean(r, 'show');
    expect(r.stdout).toContain('touch X # ␛[3G␛[K$ uptime');
    expect(r.stdout).toContain('Title [␛[3G␛[K|␛]0;title-trap␇|␛]52;c;Y2xpcA==␛\\|␛P1$r0m␛\\|\\x9b2J|\\x9d0;c1\\x9c|\\x85|cr␍X|bs␈␈|bel␇]');
  });

  it('list and lint print titles, tags and problems visibly', async () => {
    const list = await cli(['list', '--dir', lib]);
    expect(list.code).toBe(0);
    expectClean(list, 'list');
    expect(list.stdout).toContain('Title [␛[3G');
    const lint = await cli(['lint', join(lib, 'hostile.md')]);
    expectClean(lint, 'lint');
  });

  it('an error message quoting what the user gave is neutralised too', async () => {
    const r = await cli(['show', `nope${ESC}]0;err-title\u0007`]);
    expect(r.code).not.toBe(0);
    expectClean(r, 'show error');
    expect(r.stderr).toContain('nope␛]0;err-title␇');
  });
});

describe('terminal traps from a timeline', () => {
  it('note records the clipboard write as data, and says where without obeying the file name', async () => {
    const r = await cli(['note', '--timeline', tl, `note ${ESC}]52;c;bm90ZQ==\u0007 pasted`]);
    expect(r.code).toBe(0);
    expectClean(r, 'note');
    expect(readFileSync(tl, 'utf8')).toContain('note \\u001b]52;c;bm90ZQ==\\u0007 pasted');
  });

  it('replay shows every field visibly and keeps only the colours of the output', async () => {
    const r = await cli(['replay', '--instant', tl]);
    expect(r.code).toBe(0);
    expectClean(r, 'replay', { sgr: true });
    // Sequences (8-bit ones included) are dropped from output; a lone C1 control (NEL) and BS, BEL are shown.
    expect(r.stdout).toContain(`out ${SGR_RED} [||||||\\x85|crX|bs␈␈|bel␇] end`);
    expect(r.stdout).toContain(`half ${ESC}[32mgreen${ESC}[0m  done`);
    expect(r.stdout).toContain('note ␛]52;c;bm90ZQ==␇ pasted');
    expect(r.stdout).toContain('✘ killed by SIGKILL [␛[3G');
  });

  it('replay --json keeps the data and escapes every control, C1 included', async () => {
    const r = await cli(['replay', '--json', tl]);
    expect(r.code).toBe(0);
    expectClean(r, 'replay --json');
    const notes = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string }).filter((e) => e.type === 'note');
    expect(notes[0]?.text).toBe(`Note ${TRAP}`);
  });

  it('incidents lists the hostile file and run visibly', async () => {
    const r = await cli(['incidents']);
    expect(r.code).toBe(0);
    expectClean(r, 'incidents');
    expect(r.stdout).toContain('evil␛]0;file-title␇.jsonl');
    const json = await cli(['incidents', '--json']);
    expectClean(json, 'incidents --json');
  });

  it('every export is inert; json keeps the data exactly', async () => {
    for (const format of ['markdown', 'cast', 'json']) {
      const r = await cli(['export', tl, '--format', format]);
      expect(r.code, format).toBe(0);
      expectClean(r, `export ${format}`);
      if (format === 'cast') {
        // What a player writes to the terminal: the frames' text. Colours only.
        for (const l of r.stdout.trim().split('\n').slice(1)) expectInert((JSON.parse(l) as [number, string, string])[2].replace(/\r\n/g, '\n'), 'cast frame', { sgr: true });
        expect((JSON.parse(r.stdout.split('\n')[0] as string) as { title: string }).title).toContain('Title [␛[3G');
      }
      if (format === 'json') {
        const doc = JSON.parse(r.stdout) as { notes: { text: string }[]; actor: string };
        expect(doc.notes[0]?.text).toBe(`Note ${TRAP}`);
        expect(doc.actor).toBe(`alice ${TRAP}`);
      }
    }
  });

  it('a drill of the hostile timeline walks its runbook and recorded output inertly', async () => {
    const r = await cli(['drill', tl, '--yes']);
    expectInert(r.stdout, 'drill stdout');
    expectInert(r.stderr, 'drill stderr', { sgr: true });
    expect(r.stderr).toContain('touch X # ␛[3G␛[K$ uptime');
  });

  it('the markdown postmortem keeps a note with a lone CR inside its table row', async () => {
    const r = await cli(['export', tl, '--format', 'markdown']);
    const lines = r.stdout.split('\n');
    const row = lines.find((l) => l.includes('Note: first line'));
    expect(row).toMatch(/^\| .* \| carol \| Note: first line␍# Heading outside the table \|$/);
    expect(lines.some((l) => l.startsWith('# Heading'))).toBe(false);
    expect(r.stdout).not.toContain('\r');
  });
});

describe.skipIf(!python3Available())('terminal traps in a live run (pty)', () => {
  it('the command box, prose, check and prompts show the traps visibly; streamed output keeps only colours', async () => {
    const t = spawnPty(['run', join(lib, 'hostile.md'), '--timeline', 'live.jsonl'], { cwd: w.dir, env });
    let at = await t.waitFor('Done? Check');
    t.type('y\r');
    at = await t.waitFor('Run 1.1?', { from: at });
    t.type('s\r');
    at = await t.waitFor('Run 1.2?', { from: at });
    t.type('r\r');
    await t.waitFor(/out red .* end/, { from: at });
    const exit = await t.done;
    expect(exit.code).toBe(0);
    const raw = t.raw();
    expect(raw).toContain('│ $ touch X # ␛[3G␛[K$ uptime');
    expect(raw).toContain('Done? Check [␛[3G␛[K|␛]0;title-trap␇');
    expect(raw).toContain(`out ${SGR_RED}`);
    // The command box as the operator approves it: nothing in it but text.
    const box = raw.slice(raw.indexOf('┌─ 1.1'), raw.indexOf('└─', raw.indexOf('┌─ 1.1')));
    expect(box).toContain('touch X');
    expectInert(box.replace(/\r\n/g, '\n'), 'command box');
    // The prompts draw with their own cursor sequences (ESC[3G among them), so elsewhere look for the traps
    // that nothing of ours sends: none reaches the terminal raw.
    for (const trap of [`${ESC}]0;`, `${ESC}]52;`, `${ESC}P1`, `${ESC}[2J`, '\u009b', '\u009d', '\u0085', '\u0007', '\b']) {
      expect(raw.includes(trap), JSON.stringify(trap)).toBe(false);
    }
  });
});
