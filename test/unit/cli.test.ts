import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { route } from '../../src/cli.js';
import { BARE_LIST } from '../../src/app.js';
import { UserError } from '../../src/errors.js';

function parse(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d) => (err += String(d)));
  try {
    return { route: route(argv, { stdout, stderr }), err };
  } catch (e) {
    return { error: e as UserError, err };
  }
}

describe('--help', () => {
  it('shows real defaults and no (default: false) after on/off flags, for the program and its commands', () => {
    const help = (argv: string[]): string => {
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (d) => (out += String(d)));
      route(argv, { stdout, stderr: new PassThrough() });
      return out;
    };
    const run = help(['run', '--help']);
    expect(run).toContain('--dry-run');
    expect(run).toContain('(default 10)');
    expect(run).not.toContain('default: false');
    expect(help(['lint', '--help'])).toContain('(default: 180)');
    expect(help(['list', '--help'])).not.toContain('default: false');
  });
});

describe('routing: argv → the options a command receives', () => {
  it('a bare `runbook list` skips commander with exactly the options commander gives it', () => {
    expect(parse(['list']).route).toStrictEqual({ command: 'list', options: BARE_LIST });
  });

  it.each([
    [['list'], { command: 'list', options: { dirs: [], tag: [], json: false } }],
    [['list', '--tag', 'a', '--tag', 'b', '--severity', 'sev1', '--json'], { command: 'list', options: { tag: ['a', 'b'], severity: 'sev1', json: true } }],
    [['--dir', 'x', 'list', '--dir', 'y'], { command: 'list', options: { dirs: ['x', 'y'] } }],
    [['show', 'disk-full', '--json'], { command: 'show', runbook: 'disk-full', options: { json: true } }],
    [['lint', 'a.md', 'dir', '--max-age', '90'], { command: 'lint', paths: ['a.md', 'dir'], options: { maxAge: 90 } }],
    [['lint'], { command: 'lint', paths: [], options: { maxAge: 180, json: false } }],
    [['new', 'redis-down', '--title', 'Redis is down'], { command: 'new', id: 'redis-down', options: { title: 'Redis is down' } }],
    [
      ['run', 'disk-full', '--var', 'A=1', '--var', 'B=2', '--yes', '--allow-dangerous', '--from-step', '3', '--timeline', 't.jsonl'],
      { command: 'run', runbook: 'disk-full', options: { vars: ['A=1', 'B=2'], yes: true, allowDangerous: true, fromStep: 3, timeline: 't.jsonl', dryRun: false } },
    ],
    [['run', 'x', '--dry-run', '--resume', 'old.jsonl'], { command: 'run', options: { dryRun: true, resume: 'old.jsonl' } }],
    // --resume names the timeline, which names its runbook: no runbook argument needed.
    [['run', '--resume', 'old.jsonl'], { command: 'run', options: { resume: 'old.jsonl' } }],
    [['note', 'rolled', 'back', '--timeline', 't'], { command: 'note', text: 'rolled back', options: { timeline: 't' } }],
    [['mark', 'mitigated', 'traffic', 'ok'], { command: 'mark', what: 'mitigated', text: 'traffic ok', options: { force: false } }],
    [['mark', 'impact', '--at', '15m ago', '--force'], { command: 'mark', what: 'impact', text: '', options: { at: '15m ago', force: true } }],
    [['incidents', '--json'], { command: 'incidents', options: { json: true, all: false } }],
    [['incidents', '--all'], { command: 'incidents', options: { json: false, all: true } }],
    [['replay', 't.jsonl', '--speed', '4', '--max-idle', '0.5', '--instant'], { command: 'replay', timeline: 't.jsonl', options: { speed: 4, maxIdle: 0.5, instant: true, follow: false } }],
    [['export', 't.jsonl', '--format', 'cast', '-o', 'x.cast'], { command: 'export', options: { format: 'cast', output: 'x.cast' } }],
    // Without --format: the postmortem draft, or what the -o file's name says; --format wins over the name.
    [['export', 't.jsonl'], { command: 'export', timeline: 't.jsonl', options: { format: 'markdown' } }],
    [['export', 't.jsonl', '-o', 'Report.HTML'], { command: 'export', options: { format: 'html', output: 'Report.HTML' } }],
    [['export', 't.jsonl', '-o', 'x.cast'], { command: 'export', options: { format: 'cast' } }],
    [['export', 't.jsonl', '-o', 'summary.json'], { command: 'export', options: { format: 'json' } }],
    [['export', 't.jsonl', '-o', 'notes.txt'], { command: 'export', options: { format: 'markdown' } }],
    [['export', 't.jsonl', '-o', 'x.html', '--format', 'json'], { command: 'export', options: { format: 'json' } }],
    [['export', 't.jsonl', '-o', '-'], { command: 'export', options: { format: 'markdown', output: undefined } }],
    [['drill', 't.jsonl', '--yes'], { command: 'drill', timeline: 't.jsonl', options: { yes: true } }],
    [['completion', 'zsh'], { command: 'completion', shell: 'zsh' }],
  ])('%j', (argv, expected) => {
    expect(parse(argv).route).toMatchObject(expected);
  });

  it('run --resume FILE routes with no runbook (the timeline names it)', () => {
    const r = parse(['run', '--resume', 'old.jsonl']).route;
    expect(r).toMatchObject({ command: 'run', options: { resume: 'old.jsonl' } });
    expect(r && 'runbook' in r ? r.runbook : undefined).toBeUndefined();
  });

  it.each([
    [['run']],
    [['run', 'x', '--from-step', '0']],
    [['lint', '--max-age', 'old']],
    [['export']],
    [['export', 't.jsonl', '--format', 'pdf']],
    [['replay', 't', '--speed', '-1']],
    [['frobnicate']],
    [['list', '--bogus']],
  ])('%j is a usage error (exit 2) with one line on stderr', (argv) => {
    const r = parse(argv);
    expect(r.error).toBeInstanceOf(UserError);
    expect(r.error?.exitCode).toBe(2);
    expect(r.err).toMatch(/^runbook: [^\n]+; run with --help for usage\n$/);
  });

  it('says a suggestion on the same line', () => {
    expect(parse(['list', '--sevrity', 'sev1']).err).toBe("runbook: unknown option '--sevrity' (did you mean --severity?); run with --help for usage\n");
    expect(parse(['lsit']).err).toBe("runbook: unknown command 'lsit' (did you mean list?); run with --help for usage\n");
    expect(parse(['list', 'extra']).err).toBe("runbook: too many arguments for 'list'. Expected 0 arguments but got 1; run with --help for usage\n");
  });
});
