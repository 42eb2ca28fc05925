// One game: record it, journal the revert, inject the fault, start the responder, poll the checks, and
// always revert. Ports only (executor, clock, timeline sink, responder, journal): src/commands/gameday.ts
// composes the real ones.
import { createCapture } from '../runner/capture.js';
import { commandFinished } from '../runner/finished.js';
import { formatDuration } from '../report/render-event.js';
import type { Clock, EventSink, Executor } from '../runner/ports.js';
import type { RunStatus } from '../timeline/events.js';
import type { JournalEntry } from './journal.js';
import type { Scenario, ScenarioBlock } from './scenario.js';
import { failedHow, localPlace, resultOk, type BlockRequest, type Place, type PlaceResult } from './where.js';

/** A responder's runbook run: its exit code (null when killed) once it ends; stop() asks it to end. */
export interface ResponderHandle {
  done: Promise<number | null>;
  stop(): void;
}

export interface GameConfig {
  scenario: Scenario;
  game: string;
  /** The environment of every scenario command (the caller's, plus GAMEDAY_*). */
  env: Record<string, string>;
  cwd: string;
  shell: string;
  dir: string;
  pollMs: number;
  durationMs: number;
  /** How long a responder still running once mitigated may take to end on its own (default 5 s). */
  responderGraceMs?: number;
  responder: { runbook: string; timeline: string; command: string };
  actor: string;
  host: string;
  cliVersion: string;
}

export interface GamePorts {
  executor: Executor;
  /** Where the blocks run (fleet hosts); without it, here through `executor`. */
  place?: Place;
  clock: Clock;
  sink: EventSink;
  journal: { write(e: JournalEntry): Promise<void>; remove(): Promise<void>; entry: JournalEntry };
  /** Start the responder's runbook (null with --split: the responder starts it in another terminal). */
  startResponder(): ResponderHandle | null;
  /** Remove the game's work folder (after a successful revert). */
  removeDir(): Promise<void>;
  say(line: string, tone?: 'info' | 'warn' | 'error'): void;
  /** Aborted on Ctrl-C, SIGTERM, SIGHUP: the game ends and reverts. */
  stop: AbortSignal;
}

export type GameEnd = 'mitigated' | 'duration' | 'stopped' | 'inject-failed';

export interface GameOutcome {
  end: GameEnd;
  status: RunStatus;
  reverted: boolean;
  /** The revert failed on its second run: it is not safe to run twice. */
  revertNotIdempotent: boolean;
  injectedAtMs: number | null;
  detectedAtMs: number | null;
  mitigatedAtMs: number | null;
  durationMs: number;
}

const DEFAULT_BLOCK_TIMEOUT_MS = 60_000;
const CHECK_TIMEOUT_MS = 10_000;
const RESPONDER_GRACE_MS = 5_000;

export async function runGame(cfg: GameConfig, p: GamePorts): Promise<GameOutcome> {
  const s = cfg.scenario;
  const t0 = p.clock.monoMs();
  p = p.place ? p : { ...p, place: localPlace(p.executor, { cwd: cfg.cwd, env: cfg.env, shell: cfg.shell }) };
  const outcome: GameOutcome = { end: 'stopped', status: 'aborted', reverted: false, revertNotIdempotent: false, injectedAtMs: null, detectedAtMs: null, mitigatedAtMs: null, durationMs: 0 };
  const mark = async (what: 'impact' | 'detected' | 'mitigated', text: string): Promise<number> => {
    const ev = await p.sink.append({ type: 'mark', what, text, actor: 'gameday' });
    return Date.parse(ev.ts);
  };

  await p.sink.append({
    type: 'run.started',
    incident: cfg.game,
    runbook: { id: s.id, title: s.title, path: s.path, sha256: s.sha256, source: s.source },
    mode: 'gameday',
    actor: cfg.actor,
    host: cfg.host,
    cwd: cfg.cwd,
    cli_version: cfg.cliVersion,
    game: { scenario: s.id, target: s.target, duration_ms: cfg.durationMs, responder_runbook: cfg.responder.runbook, responder_timeline: cfg.responder.timeline },
  });
  // On disk before anything is injected: a crash from here on leaves a journal to revert from.
  await p.journal.write(p.journal.entry);

  let responder: ResponderHandle | null = null;
  let responderEnded = false;
  try {
    if (p.stop.aborted) return outcome;
    const unprepared = await place(p).prepare();
    if (unprepared.length > 0) {
      outcome.end = 'inject-failed';
      outcome.status = 'failed';
      p.say(`the game's folder could not be made: ${failedHow(unprepared)}; nothing was injected`, 'error');
      return outcome;
    }
    p.say(`injecting: ${s.fault}${place(p).hosts.length ? ` on ${place(p).hosts.join(', ')}` : ''}`);
    let injected = true;
    const steps = stepRecorder(p);
    for (const b of s.blocks.inject) {
      await steps.enter(b);
      if (!(await recordBlock(b, p, p.stop))) injected = false;
    }
    if (injected) await steps.leave();
    if (!injected) {
      outcome.end = p.stop.aborted ? 'stopped' : 'inject-failed';
      outcome.status = p.stop.aborted ? 'aborted' : 'failed';
      p.say(p.stop.aborted ? 'stopped while injecting' : 'the fault could not be injected: reverting', 'error');
      return outcome;
    }
    outcome.injectedAtMs = await mark('impact', `fault injected: ${s.fault}`);

    const poll = async (): Promise<void> => {
      if (outcome.detectedAtMs === null && s.blocks.detect.length > 0 && (await checksHold(s.blocks.detect, p))) {
        outcome.detectedAtMs = await mark('detected', 'the detect check holds');
        p.say(`detected after ${formatDuration(outcome.detectedAtMs - (outcome.injectedAtMs ?? 0))}`);
      }
      // A fault is mitigated once it was seen: before detection the mitigated check may hold only because the fault has not bitten yet.
      if (outcome.detectedAtMs !== null && outcome.mitigatedAtMs === null && s.blocks.mitigated.length > 0 && (await checksHold(s.blocks.mitigated, p))) {
        outcome.mitigatedAtMs = await mark('mitigated', 'the mitigated check holds');
        p.say(`mitigated after ${formatDuration(outcome.mitigatedAtMs - (outcome.injectedAtMs ?? 0))}`);
      }
    };
    let wake: () => void = () => {};
    let paged = false;
    // The responder is paged when the fault is detected, as in a real incident (at once without a detect check).
    const page = (): void => {
      if (paged || (s.blocks.detect.length > 0 && outcome.detectedAtMs === null)) return;
      paged = true;
      responder = p.startResponder();
      responder?.done.then(() => {
        responderEnded = true;
        wake(); // check at once: a scripted responder may have just mitigated
      });
    };
    await poll();
    page();
    const deadline = t0 + cfg.durationMs;
    const onStop = (): void => wake();
    p.stop.addEventListener('abort', onStop);
    try {
      while (outcome.mitigatedAtMs === null && !p.stop.aborted) {
        const left = deadline - p.clock.monoMs();
        if (left <= 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(cfg.pollMs, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (p.stop.aborted) break;
        await poll();
        page();
      }
    } finally {
      p.stop.removeEventListener('abort', onStop);
    }
    outcome.end = outcome.mitigatedAtMs !== null ? 'mitigated' : p.stop.aborted ? 'stopped' : 'duration';
    outcome.status = outcome.end === 'mitigated' ? 'completed' : outcome.end === 'stopped' ? 'aborted' : 'failed';
    if (outcome.end === 'duration') p.say(`the game reached its duration (${formatDuration(cfg.durationMs)}) without mitigation`, 'warn');
    if (outcome.end === 'stopped') p.say('game stopped', 'warn');
    return outcome;
  } finally {
    const r = responder as ResponderHandle | null;
    // Once mitigated the responder may be on a last step (verify): a moment to end on their own, then stopped.
    if (r && !responderEnded && outcome.end === 'mitigated') await Promise.race([r.done, new Promise((done) => setTimeout(done, cfg.responderGraceMs ?? RESPONDER_GRACE_MS).unref())]);
    if (r && !responderEnded) {
      r.stop();
      await Promise.race([r.done, new Promise((done) => setTimeout(done, 5000).unref())]);
    }
    p.say('reverting');
    outcome.reverted = await revert(cfg, p);
    if (outcome.reverted) {
      // Safe to run twice, as a revert must be: a second run that fails says the crash path would not clean up.
      const again = await runBlocks(s.blocks.revert, p, false);
      outcome.revertNotIdempotent = !again;
      if (!again) await p.sink.append({ type: 'note', text: 'the revert failed when run a second time: it is not safe to run twice (a crashed game could not be cleaned up)', actor: 'gameday' }).catch(() => undefined);
      if (!(await place(p).finish())) p.say("a host's game folder could not be removed (something is still mounted in it?)", 'warn');
      await p.journal.remove();
      await p.removeDir();
    } else {
      p.journal.entry.failedReverts++;
      await p.journal.write(p.journal.entry);
      if (outcome.status === 'completed') outcome.status = 'failed';
    }
    outcome.durationMs = p.clock.monoMs() - t0;
    await p.sink.append({ type: 'run.finished', status: outcome.reverted ? outcome.status : 'failed', duration_ms: outcome.durationMs });
  }
}

/** The revert, recorded; when the timeline cannot be written it still runs, unrecorded (a revert is safe to run twice). */
async function revert(cfg: GameConfig, p: GamePorts): Promise<boolean> {
  let all = true;
  const steps = stepRecorder(p);
  for (const b of cfg.scenario.blocks.revert) {
    let r: boolean;
    try {
      await steps.enter(b);
      r = await recordBlock(b, p);
    } catch (err) {
      p.say(`the revert could not be recorded (${err instanceof Error ? err.message : String(err)}): running it unrecorded`, 'error');
      r = allOk(await place(p).run(request(b, DEFAULT_BLOCK_TIMEOUT_MS), () => undefined));
    }
    if (!r) all = false;
  }
  if (all) await steps.leave().catch(() => undefined);
  return all;
}

/** step.started / step.completed around the blocks of each section, so replay and export count the game's steps. */
function stepRecorder(p: GamePorts): { enter(b: ScenarioBlock): Promise<void>; leave(): Promise<void> } {
  let current: ScenarioBlock | null = null;
  const leave = async (): Promise<void> => {
    if (current) await p.sink.append({ type: 'step.completed', step: current.step, title: current.stepTitle });
    current = null;
  };
  return {
    async enter(b) {
      if (current?.step === b.step) return;
      await leave();
      current = b;
      await p.sink.append({ type: 'step.started', step: b.step, title: b.stepTitle });
    },
    leave,
  };
}

/** Every block, in order, even after one fails (a revert undoes as much as it can); true when all succeeded. */
async function runBlocks(blocks: ScenarioBlock[], p: GamePorts, record: boolean): Promise<boolean> {
  let all = true;
  for (const b of blocks) {
    const r = record ? await recordBlock(b, p) : allOk(await place(p).run(request(b, DEFAULT_BLOCK_TIMEOUT_MS), () => undefined));
    if (!r) all = false;
  }
  return all;
}

function request(b: ScenarioBlock, timeoutMs: number, signal?: AbortSignal): BlockRequest {
  return { script: b.text, ...(b.shell !== undefined ? { shell: b.shell } : {}), timeoutMs: b.timeoutMs ?? timeoutMs, ...(signal ? { signal } : {}) };
}

const place = (p: GamePorts): Place => p.place as Place; // set by runGame
const allOk = (rs: PlaceResult[]): boolean => rs.every((r) => resultOk(r.result));

/**
 * Run a block, recorded in the game's timeline like a runbook command; on fleet hosts like a fleet command
 * (`hosts` on command.started, output and one command.finished per host). True when it succeeded everywhere.
 */
async function recordBlock(b: ScenarioBlock, p: GamePorts, signal?: AbortSignal): Promise<boolean> {
  const hosts = place(p).hosts;
  await p.sink.append({ type: 'command.started', step: b.step, id: b.id, command: b.text, edited: false, danger: false, ...(hosts.length ? { hosts } : {}) });
  let pending: Promise<void> = Promise.resolve();
  const captures = new Map<string | undefined, ReturnType<typeof createCapture>>();
  const captureOf = (host: string | undefined): ReturnType<typeof createCapture> => {
    let c = captures.get(host);
    if (!c) {
      c = createCapture((stream, data) => {
        pending = pending.then(() => p.sink.appendOutput({ type: 'command.output', id: b.id, stream, data, ...(host !== undefined ? { host } : {}) }));
      });
      captures.set(host, c);
    }
    return c;
  };
  // An inject says what it did (which mechanism it used, on which host): its standard output is shown, bounded.
  const said = new Map<string | undefined, string>();
  const rs = await place(p).run(request(b, DEFAULT_BLOCK_TIMEOUT_MS, signal), (host, stream, chunk) => {
    const before = said.get(host) ?? '';
    if (b.role === 'inject' && stream === 'stdout' && before.length < 4096) said.set(host, before + chunk.toString('utf8'));
    captureOf(host).push(stream, chunk);
  });
  for (const { host, result: r } of rs) {
    const c = captureOf(host);
    if (r.spawnError) c.push('stderr', Buffer.from(`runbook: could not start the command: ${r.spawnError}\n`));
    const omitted = c.finish();
    await pending;
    await p.sink.append(commandFinished(b.id, r, omitted, host));
    const text = (said.get(host) ?? '').slice(0, 4096);
    for (const line of text.split('\n').filter((l) => l.trim() !== '').slice(0, 10)) p.say(`inject${host !== undefined ? ` on ${host}` : ''}: ${line}`);
  }
  const good = allOk(rs);
  if (!good) p.say(`{${b.role}} block at line ${b.line} failed (${failedHow(rs)})`, 'error');
  return good;
}

/** All checks of a kind hold (exit 0). Not recorded: a poll every few seconds would bury the timeline. */
async function checksHold(blocks: ScenarioBlock[], p: GamePorts): Promise<boolean> {
  for (const b of blocks) {
    // On fleet hosts a check holds when it holds on every host.
    for (const { host, result: r } of await place(p).run(request(b, CHECK_TIMEOUT_MS, p.stop), () => undefined)) {
      // A check that cannot run (a missing tool: 126, 127; an unreachable host) would silently never hold: said once.
      if ((r.spawnError || r.hostError !== undefined || r.exitCode === 126 || r.exitCode === 127 || r.timedOut) && !unrunnable.has(b)) {
        unrunnable.add(b);
        const why = r.hostError !== undefined ? `${host} is unreachable: ${r.hostError}` : r.spawnError ?? (r.timedOut ? 'timed out' : `exit ${r.exitCode}: a command is missing`);
        p.say(`the {${b.role}} check at line ${b.line} cannot run${host !== undefined && r.hostError === undefined ? ` on ${host}` : ''} (${why}); mark ${b.role} by hand`, 'warn');
      }
      if (!resultOk(r)) return false;
    }
  }
  return true;
}
const unrunnable = new WeakSet<ScenarioBlock>();
