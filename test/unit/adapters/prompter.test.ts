// The operator's prompts, in-process through @inquirer/testing: each question shows what it asks (with
// runbook text neutralised), each key gives its choice, Ctrl-C warns once and aborts on the second, and a
// stop signal aborts any open prompt. (test/e2e/run drives the same prompts through a real terminal.)
import { Writable } from 'node:stream';
import { render } from '@inquirer/testing';
import { describe, expect, it } from 'vitest';
import { createPrompter, type TerminalPrompter, type VarQuestion } from '../../../src/adapters/prompter.js';
import { AbortedError } from '../../../src/errors.js';

/**
 * Like process.stderr, a terminal that outlives one prompt: inquirer ends the stream it pipes into when a
 * prompt closes, which process.stderr ignores; so does this one, forwarding every write to the mocked screen.
 */
class Terminal extends Writable {
  constructor(private readonly screen: NodeJS.WritableStream) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.screen.write(chunk);
    done();
  }
  override end(): this {
    return this;
  }
}

/** Open one question of a fresh prompter on @inquirer/testing's mocked terminal. */
function open<T>(ask: (p: TerminalPrompter) => Promise<T>, stop: AbortSignal = new AbortController().signal) {
  const prompt = (_props: null, ctx?: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }) =>
    ask(createPrompter({ stdin: ctx!.input!, stderr: new Terminal(ctx!.output!) }, stop));
  return render(prompt as never, null) as unknown as ReturnType<typeof render<null, T>>;
}

/** Let the prompt's readline handle what was typed before looking at the screen. */
const settle = () => new Promise((r) => setImmediate(r));

const question = (over: Partial<VarQuestion> = {}): VarQuestion => ({ name: 'service', secret: false, validate: () => null, ...over });

describe('command, failure and check choices: one letter and Enter each', () => {
  it.each([
    ['r', 'run'],
    ['s', 'skip'],
    ['e', 'edit'],
    ['n', 'note'],
    ['q', 'stop'],
  ])('commandAction: %s gives %s', async (key, choice) => {
    const { answer, events, getScreen } = await open((p) => p.commandAction({ id: 'restart-nginx', danger: false }));
    expect(getScreen()).toContain('Run restart-nginx?');
    events.type(key);
    events.keypress('enter');
    await expect(answer).resolves.toBe(choice);
  });

  it('a dangerous command says so, and its id is shown neutralised', async () => {
    const { answer, events, getScreen } = await open((p) => p.commandAction({ id: 'wipe\x1b[2Jdisk', danger: true }));
    const raw = getScreen({ raw: true });
    expect(raw).not.toContain('\x1b[2J');
    expect(getScreen()).toMatch(/wipe.*disk is DANGEROUS\. Run it\?/);
    events.type('s');
    events.keypress('enter');
    await expect(answer).resolves.toBe('skip');
  });

  it.each([
    ['r', 'retry'],
    ['e', 'edit'],
    ['c', 'continue'],
    ['q', 'stop'],
  ])('failureAction: %s gives %s', async (key, choice) => {
    const { answer, events, getScreen } = await open((p) => p.failureAction({ id: 'check-disk', interrupted: false }));
    expect(getScreen()).toContain('check-disk failed. What now?');
    events.type(key);
    events.keypress('enter');
    await expect(answer).resolves.toBe(choice);
  });

  it('stopping after an interrupted command is said to end the run as aborted, otherwise as failed', async () => {
    for (const [interrupted, ending] of [
      [true, 'aborted'],
      [false, 'failed'],
    ] as const) {
      const { answer, events, getScreen } = await open((p) => p.failureAction({ id: 'x', interrupted }));
      events.type('h'); // expand's help lists every choice
      events.keypress('enter');
      await settle();
      expect(getScreen()).toContain(`stop the run (it ends as ${ending})`);
      events.type('q');
      events.keypress('enter');
      await expect(answer).resolves.toBe('stop');
    }
  });

  it.each([
    ['y', 'confirm'],
    ['s', 'skip'],
    ['q', 'stop'],
  ])('confirmCheck: %s gives %s', async (key, choice) => {
    const { answer, events, getScreen } = await open((p) => p.confirmCheck('the graph is \x1b[31mflat'));
    expect(getScreen()).toContain('Done? the graph is');
    expect(getScreen({ raw: true })).not.toContain('\x1b[31m');
    events.type(key);
    events.keypress('enter');
    await expect(answer).resolves.toBe(choice);
  });

  it.each([
    ['y', true],
    ['n', false],
  ])('acceptFreeText: %s gives %s', async (key, accepted) => {
    const { answer, events, getScreen } = await open((p) => p.acceptFreeText('name', 'a⟦$⟧b'));
    expect(getScreen()).toContain('name = a⟦$⟧b');
    // (inquirer wraps the question at 80 columns)
    expect(getScreen().replace(/\s+/g, ' ')).toContain('has characters outside letters, digits and ._:/@%+=,- (marked ⟦ ⟧). Use it as free text?');
    events.type(key);
    events.keypress('enter');
    await expect(answer).resolves.toBe(accepted);
  });
});

describe('typed answers', () => {
  it('confirmDanger is true only for the exact word (surrounding blanks aside)', async () => {
    for (const [typed, ok] of [
      ['restart-nginx', true],
      ['  restart-nginx ', true],
      ['restart', false],
      ['RESTART-NGINX', false],
    ] as const) {
      const { answer, events, getScreen } = await open((p) => p.confirmDanger('restart-nginx'));
      expect(getScreen()).toContain('Type "restart-nginx" to run it (anything else cancels):');
      events.type(typed);
      events.keypress('enter');
      await expect(answer).resolves.toBe(ok);
    }
  });

  it('note returns the text typed', async () => {
    const { answer, events, getScreen } = await open((p) => p.note());
    expect(getScreen()).toContain('Note:');
    events.type('paged the DBA');
    events.keypress('enter');
    await expect(answer).resolves.toBe('paged the DBA');
  });

  it('editCommand offers a one-line command, neutralised, for editing in place', async () => {
    const { answer, events, getScreen } = await open((p) => p.editCommand('echo \x07hi'));
    await settle();
    expect(getScreen()).toContain('Command to run:');
    expect(getScreen({ raw: true })).not.toContain('\x07');
    events.type(' there');
    events.keypress('enter');
    const edited = await answer;
    expect(edited).toMatch(/^echo .hi there$/);
    expect(edited).not.toContain('\x07');
  });
});

describe('askVar', () => {
  it('shows name, description and pattern; refuses what validate refuses, with its reason, then takes a valid value', async () => {
    const q = question({ description: 'the unit \x1b[31mname', pattern: '^[a-z]+$', validate: (v) => (/^[a-z]+$/.test(v) ? null : 'only a-z') });
    const { answer, events, getScreen } = await open((p) => p.askVar(q));
    expect(getScreen()).toContain('service (the unit');
    expect(getScreen()).toContain('[must match /^[a-z]+$/]');
    expect(getScreen({ raw: true })).not.toContain('\x1b[31m');
    events.type('Nginx1');
    events.keypress('enter');
    await settle();
    expect(getScreen()).toContain('only a-z');
    events.keypress('backspace');
    for (let i = 0; i < 6; i++) events.keypress('backspace');
    events.type('nginx');
    events.keypress('enter');
    await expect(answer).resolves.toBe('nginx');
  });

  it('a default is taken with Enter', async () => {
    const { answer, events, getScreen } = await open((p) => p.askVar(question({ default: 'nginx' })));
    expect(getScreen()).toContain('nginx');
    events.keypress('enter');
    await expect(answer).resolves.toBe('nginx');
  });

  it('a secret is masked on screen and says it is never recorded', async () => {
    const { answer, events, getScreen, getFullOutput } = await open((p) => p.askVar(question({ name: 'token', secret: true })));
    expect(getScreen()).toContain('token [secret: hidden, never recorded]:');
    events.type('hunter2');
    await settle();
    expect(getScreen()).toContain('*******');
    events.keypress('enter');
    await expect(answer).resolves.toBe('hunter2');
    expect(getFullOutput()).not.toContain('hunter2');
  });

  it('a closed list is picked from (every value shown), starting at the default', async () => {
    const { answer, events, getScreen } = await open((p) => p.askVar(question({ choices: ['staging', 'prod', 'dev'], default: 'prod' })));
    for (const c of ['staging', 'prod', 'dev']) expect(getScreen()).toContain(c);
    events.keypress('down');
    events.keypress('enter');
    await expect(answer).resolves.toBe('dev');
  });
});

describe('stopping at a prompt', () => {
  it('Ctrl-C once warns and asks again; a second Ctrl-C aborts the run', async () => {
    const { answer, events, getFullOutput } = await open((p) => p.note());
    const caught = answer.catch((e: unknown) => e);
    events.keypress({ name: 'c', ctrl: true });
    await settle();
    expect(getFullOutput()).toContain('(Ctrl-C again to abort the run; q stops it too)');
    events.keypress({ name: 'c', ctrl: true });
    const err = await caught;
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as Error).message).toBe('aborted with Ctrl-C');
  });

  it('after one Ctrl-C the question is asked again and still answers', async () => {
    const { answer, events } = await open((p) => p.note());
    events.keypress({ name: 'c', ctrl: true });
    await settle();
    events.type('still here');
    events.keypress('enter');
    await expect(answer).resolves.toBe('still here');
  });

  it('a stop signal (SIGTERM, SIGHUP) cancels the open prompt and aborts', async () => {
    const stop = new AbortController();
    const { answer } = await open((p) => p.note(), stop.signal);
    const caught = answer.catch((e: unknown) => e);
    stop.abort();
    const err = await caught;
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as Error).message).toBe('stopped by a signal');
  });

  it('a prompter whose stop signal already fired asks nothing', async () => {
    const stop = new AbortController();
    stop.abort();
    const { answer, getFullOutput } = await open((p) => p.commandAction({ id: 'x', danger: false }), stop.signal);
    await expect(answer).rejects.toBeInstanceOf(AbortedError);
    expect(getFullOutput()).toBe('');
  });
});
