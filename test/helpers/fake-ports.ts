// Fake ports for the engine: scripted answers in, recorded events and executions out.
import type { EnginePorts, RunConfig } from '../../src/runner/run-config.js';
import type { EventSink, ExecRequest, ExecResult, OutputListener, Prompter, View } from '../../src/runner/ports.js';
import type { EventBody, TimelineEvent } from '../../src/timeline/events.js';

export type Answer = string;

export interface Fakes extends EnginePorts {
  events: TimelineEvent[];
  executed: ExecRequest[];
  asked: string[];
  messages: string[];
}

/**
 * answers: consumed in order by every prompt (command action letters r/s/e/n/q, failure letters r/e/c/q,
 * check letters y/s/q, typed words, edited text, notes). A prompt with no answer left fails the test.
 * results: per executed script, in order; default exit 0. `output` is sent through the listener.
 */
export function fakePorts(answers: Answer[], results: (Partial<ExecResult> & { output?: string })[] = []): Fakes {
  const events: TimelineEvent[] = [];
  const executed: ExecRequest[] = [];
  const asked: string[] = [];
  const messages: string[] = [];
  let mono = 0;
  const next = (what: string): string => {
    asked.push(what);
    const a = answers.shift();
    if (a === undefined) throw new Error(`unexpected prompt: ${what}`);
    return a;
  };
  const letter = <T extends string>(what: string, map: Record<string, T>): T => {
    const a = next(what);
    const v = map[a];
    if (!v) throw new Error(`answer ${a} is not valid for ${what}`);
    return v;
  };
  const prompter: Prompter = {
    commandAction: async ({ id }) => letter(`command ${id}`, { r: 'run', s: 'skip', e: 'edit', n: 'note', q: 'stop', u: 'suggestion' } as const),
    confirmDanger: async (word) => next(`danger ${word}`) === word,
    editCommand: async (current) => next(`edit ${current}`),
    note: async () => next('note'),
    failureAction: async ({ id }) => letter(`failure ${id}`, { r: 'retry', e: 'edit', c: 'continue', q: 'stop' } as const),
    confirmCheck: async (text) => letter(`check ${text}`, { y: 'confirm', s: 'skip', q: 'stop' } as const),
  };
  const sink: EventSink = {
    path: '/fake/timeline.jsonl',
    async append(body: EventBody) {
      const e = { v: 1, seq: events.length, ts: new Date(Date.UTC(2026, 10, 28, 3, 0, 0, mono)).toISOString(), mono_ms: mono, ...body } as TimelineEvent;
      events.push(e);
      return e;
    },
    async appendOutput(body) {
      await sink.append(body);
    },
    async close() {},
  };
  const view: View = {
    event: () => undefined,
    intro: () => undefined,
    prose: () => undefined,
    check: () => undefined,
    command: () => undefined,
    message: (t) => void messages.push(t),
    running: () => undefined,
  };
  return {
    events,
    executed,
    asked,
    messages,
    prompter,
    sink,
    view,
    clock: { now: () => new Date(Date.UTC(2026, 10, 28, 3, 0, 0)), monoMs: () => (mono += 10) },
    executor: {
      async run(req: ExecRequest, onOutput: OutputListener): Promise<ExecResult> {
        executed.push(req);
        const r = results.shift() ?? {};
        if (r.output) onOutput('stdout', Buffer.from(r.output));
        return { exitCode: 0, signal: null, durationMs: 5, timedOut: false, interrupted: false, ...r };
      },
    },
  };
}

/** Events without envelopes, only the fields a test cares about. */
export function types(events: TimelineEvent[]): string[] {
  return events.map((e) => (e.type === 'command.started' || e.type === 'command.skipped' || e.type === 'command.finished' ? `${e.type} ${e.id}` : e.type.startsWith('step.') ? `${e.type} ${(e as { step: number }).step}` : e.type));
}

/** A run of `runbook` as the engine tests start it (live, asked, from step 1), with `over` on top. */
export function testRunConfig(runbook: RunConfig['runbook'], over: Partial<RunConfig> = {}): RunConfig {
  return {
    runbook,
    mode: 'live',
    yes: false,
    allowDangerous: false,
    fromStep: 1,
    vars: [],
    env: { PATH: '/usr/bin:/bin' },
    cwd: '/work',
    shell: 'bash',
    defaultTimeoutMs: 600_000,
    incident: 'inc-1',
    actor: 'alice',
    host: 'box',
    cliVersion: '0.0.0',
    ...over,
  };
}
