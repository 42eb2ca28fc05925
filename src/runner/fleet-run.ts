// One command on several targets: at most `parallel` at a time, output and one command.finished per host,
// and one result for the engine's failure prompt (failed when any host failed; which hosts, and how).
import type { Command } from '../runbook/model.js';
import type { EventBody } from '../timeline/events.js';
import { endingWords } from '../timeline/ending.js';
import type { Target, Transport } from '../fleet/targets.js';
import type { EventSink, ExecResult, View } from './ports.js';
import { createCapture } from './capture.js';
import { commandFinished } from './finished.js';
import { AbortedError, TimelineWriteError } from '../errors.js';
import type { EnginePorts, FleetConfig, FleetSession, HostOutcome, HostView } from './run-config.js';
import { varEnvName, type ResolvedVar } from './vars.js';




/** A fleet command's result: ExecResult as the engine reads it, plus which hosts failed. */
export interface FleetResult extends ExecResult {
  failedHosts: string[];
  /** "exit 1 on web3; unreachable: web9", for the run summary. */
  how: string;
}

/** The `on=` of a block: `local` (the default) or what it names. */
export function runsOn(c: Pick<Command, 'attributes'>): string {
  const on = c.attributes.on;
  return typeof on === 'string' && on !== '' ? on : 'local';
}

export function hostFailed(r: ExecResult): boolean {
  return r.spawnError !== undefined || r.timedOut || r.interrupted || r.exitCode !== 0;
}

export interface FleetRun {
  id: string;
  targets: Target[];
  parallel: number;
  transport: Transport;
  request: { script: string; shell?: string; cwd?: string; env: Record<string, string>; timeoutMs: number };
  sink: EventSink;
  emit: (body: EventBody) => Promise<unknown>;
  view: View;
  hostView?: HostView;
  interrupt: AbortController;
  session?: FleetSession;
}

export async function runOnTargets(f: FleetRun): Promise<FleetResult> {
  f.hostView?.start(f.id, f.targets.map((t) => t.name));
  let writeFailure: unknown = null;
  let pending: Promise<void> = Promise.resolve();
  const outcomes: HostOutcome[] = [];
  const queue = [...f.targets];
  const one = async (t: Target): Promise<void> => {
    let text = '';
    const capture = createCapture((stream, data) => {
      text += data;
      if (writeFailure) return;
      pending = pending.then(() => f.sink.appendOutput({ type: 'command.output', id: f.id, stream, data, host: t.name })).catch((err) => {
        if (!writeFailure) {
          writeFailure = err;
          f.view.message(err instanceof Error ? err.message : String(err), 'error');
          f.interrupt.abort('interrupt'); // nothing may run unrecorded
        }
      });
    });
    const result = f.interrupt.signal.aborted
      ? { exitCode: null, signal: null, durationMs: 0, timedOut: false, interrupted: f.interrupt.signal.reason === 'interrupt', spawnError: 'not started: stopped before it began' }
      : await f.transport.run(t, { ...f.request, signal: f.interrupt.signal, ...(f.session ? { session: { restore: f.session.restoreFor(t.name, f.request.cwd !== undefined) } } : {}) }, (stream, chunk) => {
          capture.push(stream, chunk);
          f.hostView?.output(t.name, stream, chunk);
        });
    const omitted = capture.finish();
    await pending;
    if (writeFailure) return;
    await f.emit(commandFinished(f.id, result, omitted, t.name));
    // A failed or killed command leaves the host's state as it was.
    if (f.session && !hostFailed(result)) await f.session.settle(f.id, t.name, result, f.emit);
    outcomes.push({ host: t.name, result, output: text });
  };
  const workers = Array.from({ length: Math.max(1, Math.min(f.parallel, queue.length)) }, async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) await one(t);
  });
  await Promise.all(workers);
  if (writeFailure) throw writeFailure instanceof TimelineWriteError ? writeFailure : new TimelineWriteError(f.sink.path, String(writeFailure));
  // In the operator's order, not the order they finished.
  const order = new Map(f.targets.map((t, i) => [t.name, i]));
  outcomes.sort((a, b) => (order.get(a.host) ?? 0) - (order.get(b.host) ?? 0));
  f.hostView?.finish(f.id, outcomes);
  return combine(outcomes);
}

/** One result for the engine: failed when any host failed; exit code and flags of the first failed host. */
export function combine(outcomes: HostOutcome[]): FleetResult {
  const bad = outcomes.filter((o) => hostFailed(o.result));
  const first = bad[0]?.result ?? outcomes[0]?.result;
  const byHow = new Map<string, string[]>();
  for (const o of bad) {
    const how = endingWords(o.result);
    byHow.set(how, [...(byHow.get(how) ?? []), o.host]);
  }
  return {
    exitCode: first?.exitCode ?? 0,
    signal: first?.signal ?? null,
    durationMs: Math.max(0, ...outcomes.map((o) => o.result.durationMs)),
    timedOut: outcomes.some((o) => o.result.timedOut),
    interrupted: outcomes.some((o) => o.result.interrupted),
    ...(bad.length > 0 && first?.spawnError !== undefined ? { spawnError: first.spawnError } : {}),
    ...(bad.length > 0 && first?.exitCode === 0 ? { exitCode: 1 } : {}),
    failedHosts: bad.map((o) => o.host),
    how: [...byHow].map(([how, hosts]) => `${how} on ${hosts.join(',')}`).join('; '),
  };
}

/** Show the targets once and have them confirmed (with --yes: shown and recorded as unattended). */
export async function confirmTargets(
  fleet: FleetConfig,
  yes: boolean,
  p: { prompter: { confirmTargets?(hosts: string[]): Promise<boolean> }; view: View },
  emit: (body: EventBody) => Promise<unknown>,
): Promise<void> {
  const hosts = fleet.all.map((t) => t.name);
  // With --yes the list is shown by the event itself (recorded, then rendered).
  if (!yes && p.prompter.confirmTargets && !(await p.prompter.confirmTargets(hosts))) throw new AbortedError('stopped: the operator did not confirm the hosts');
  await emit({ type: 'targets.confirmed', hosts, confirmed_by: yes ? 'unattended' : 'operator' });
}

/** What a host's command gets of the run's values: each by name and as RUNBOOK_VAR_name (never the operator's environment). */
export function fleetEnv(vars: Iterable<ResolvedVar>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of vars) {
    env[v.name] = v.value;
    env[varEnvName(v.name)] = v.value;
  }
  return env;
}

/** The engine's side of a fleet command: stop and Ctrl-C reach every host, the status line runs meanwhile. */
export async function runCommandOnHosts(
  p: Pick<EnginePorts, 'stop' | 'onCommand' | 'view' | 'sink' | 'transport' | 'hostView'>,
  fleet: FleetConfig,
  c: { id: string; on: string; hosts: string[]; request: FleetRun['request']; emit: FleetRun['emit']; interrupt: AbortController; session?: FleetSession | undefined },
): Promise<FleetResult> {
  const onStop = (): void => c.interrupt.abort('terminate');
  p.stop?.addEventListener('abort', onStop, { once: true });
  p.onCommand?.(c.interrupt);
  p.view.running(c.id);
  try {
    return await runOnTargets({
      id: c.id,
      targets: (fleet.byOn.get(c.on) ?? []).filter((t) => c.hosts.includes(t.name)),
      parallel: fleet.parallel,
      transport: p.transport as Transport,
      request: c.request,
      sink: p.sink,
      emit: c.emit,
      view: p.view,
      ...(p.hostView ? { hostView: p.hostView } : {}),
      interrupt: c.interrupt,
      ...(c.session ? { session: c.session } : {}),
    });
  } finally {
    p.view.running(null);
    p.onCommand?.(null);
    p.stop?.removeEventListener('abort', onStop);
  }
}
