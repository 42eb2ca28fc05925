// The runner's decisions: walk the steps, ask before every command, execute through the Executor port,
// and record everything as events. All I/O comes through ports, so tests drive it with fakes.
import type { Command, Step } from '../runbook/model.js';
import type { EventBody, RunStatus, TimelineEvent } from '../timeline/events.js';
import { commandFinished } from './finished.js';
import { AbortedError, TimelineWriteError } from '../errors.js';
import type { ExecResult } from './ports.js';
import { createCapture } from './capture.js';
import { noteTooLong } from '../timeline/limits.js';
import { placeholderNames } from '../runbook/shell-scan.js';
import { judgeDanger, type DangerJudgement } from '../runbook/danger.js';
import { commandEnv, renderForDisplay, renderForShell, UnsafeValueError, type ResolvedVar } from './vars.js';
import { ShellSession } from './session.js';
import { SessionRun } from './session-run.js';
import { endingWords } from '../timeline/ending.js';
import { confirmTargets, fleetEnv, hostFailed, runCommandOnHosts, runsOn, type FleetResult } from './fleet-run.js';
import type { EnginePorts, FleetConfig, RunConfig } from './run-config.js';
import { suggestedCommand, type Suggestion } from './suggestions.js';



export interface RunOutcome {
  status: RunStatus;
  /** Commands are counted once however often they were retried; a failed one is one whose last attempt failed. */
  counts: {
    stepsDone: number;
    stepsSkipped: number;
    commandsRun: number;
    commandsFailed: number;
    commandsSkipped: number;
    checksConfirmed: number;
    checksSkipped: number;
  };
  /** Each failed command and how its last attempt ended ("exit 1", "interrupted"), in the order they ran. */
  failures: Array<{ id: string; how: string }>;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
export { DEFAULT_TIMEOUT_MS };

/** The word a dangerous command asks the operator to type: its `name` (4+ characters), else the program that makes it dangerous. */
export function confirmationWord(c: Command, text: string): string {
  return judgeDanger(c, text).word;
}

function failed(r: ExecResult): boolean {
  if ('failedHosts' in r) return (r as FleetResult).failedHosts.length > 0;
  // One host's test (fleet-run.ts), and a capture that could not be stored.
  return hostFailed(r) || r.captureError !== undefined;
}

/** How an attempt ended, as the summary names it: "exit 1", "interrupted", "timed out". */
export function howItEnded(r: ExecResult): string {
  if ('how' in r) return (r as FleetResult).how;
  // A failed capture names a command that ran; every other ending in the words every view uses (timeline/ending.ts).
  if (r.spawnError === undefined && r.captureError !== undefined) return 'capture failed';
  return endingWords(r);
}

class Run {
  private readonly counts = { stepsDone: 0, stepsSkipped: 0, commandsSkipped: 0, checksConfirmed: 0, checksSkipped: 0 };
  /**
   * The last attempt of each command that ran, by id (a retry replaces it): the summary counts commands, not
   * attempts. A resumed run starts with what the run did before it stopped.
   */
  private readonly lastResult = new Map<string, { failed: boolean; how: string }>();
  private readonly values: Map<string, string>;
  private readonly byName: Map<string, ResolvedVar>;
  private readonly origin: number;
  /** Every command gets the same environment: built once, not copied per command. */
  private readonly env: Record<string, string>;
  /** The target list is shown and confirmed once, before the first block that runs on it. */
  private targetsConfirmed = false;

  constructor(
    private readonly cfg: RunConfig,
    private readonly p: EnginePorts,
  ) {
    this.values = new Map(cfg.vars.map((v) => [v.name, v.value]));
    this.byName = new Map(cfg.vars.map((v) => [v.name, v]));
    this.origin = cfg.resumed?.originMonoMs ?? p.clock.monoMs();
    this.env = commandEnv(cfg.env, cfg.vars);
    this.shell = new SessionRun(cfg, this.env, this.values, this.byName, cfg.session ? new ShellSession(this.env, cfg.cwd) : undefined);
    const earlier = cfg.resumed?.earlier;
    if (earlier) {
      Object.assign(this.counts, earlier.counts);
      for (const c of earlier.commands) this.lastResult.set(c.id, { failed: c.failed, how: c.how });
    }
  }

  /** The shell session and captures (runner/session-run.ts). */
  private readonly shell: SessionRun;

  private async emit(body: EventBody): Promise<TimelineEvent> {
    const e = await this.p.sink.append(body);
    this.p.view.event(e);
    return e;
  }

  private elapsed(): number {
    return Math.max(0, Math.round(this.p.clock.monoMs() - this.origin));
  }

  private checkStop(): void {
    if (this.p.stop?.aborted) throw new AbortedError('stopped by a signal');
  }

  async start(): Promise<void> {
    const { cfg } = this;
    if (cfg.resumed) {
      await this.emit({ type: 'run.resumed', step: cfg.fromStep, actor: cfg.actor, host: cfg.host });
      this.shell.restore(this.p.view);
      return;
    }
    const rb = cfg.runbook;
    await this.emit({
      type: 'run.started',
      incident: cfg.incident,
      runbook: { id: rb.id, title: rb.title, path: rb.path, sha256: rb.sha256, source: rb.source },
      mode: cfg.mode,
      actor: cfg.actor,
      host: cfg.host,
      cwd: cfg.cwd,
      cli_version: cfg.cliVersion,
    });
    for (const v of cfg.vars) await this.emit({ type: 'var.set', name: v.name, value: v.secret ? '[secret]' : v.value, source: v.source });
    if (rb.intro) this.p.view.intro(rb.intro);
  }

  async walk(): Promise<RunStatus> {
    const steps = this.cfg.runbook.steps;
    for (const step of steps) {
      if (step.index < this.cfg.fromStep) {
        if (!this.cfg.resumed) {
          await this.emit({ type: 'step.skipped', step: step.index, title: step.title });
          this.counts.stepsSkipped++;
        }
        continue;
      }
      const r = await this.step(step);
      if (r !== 'ok') return r;
    }
    return 'completed';
  }

  private async step(step: Step): Promise<'ok' | RunStatus> {
    this.checkStop();
    await this.emit({ type: 'step.started', step: step.index, title: step.title });
    let didSomething = false;
    // Checks and commands in the order they are written: a check may come first ("open the dashboard")
    // or last ("confirm the error rate dropped").
    // Prose, checks and commands in file order: "check the pods first:" comes right before its command.
    const items = [
      ...step.proseBlocks.map((b) => ({ line: b.line, prose: b.text })),
      ...step.checks.map((check) => ({ line: check.line, check })),
      ...step.commands.map((c) => ({ line: c.line, c })),
    ].sort((a, b) => a.line - b.line);
    for (const item of items) {
      if ('prose' in item) {
        this.p.view.prose(item.prose);
        continue;
      }
      if ('check' in item) {
        if (this.cfg.yes || this.cfg.mode === 'dry-run') {
          this.p.view.check(item.check.text); // shown; nobody confirmed it, so nothing is recorded
          this.counts.checksSkipped++;
          continue;
        }
        const choice = await this.p.prompter.confirmCheck(item.check.text);
        if (choice === 'stop') throw new AbortedError('stopped by the operator');
        if (choice === 'confirm') {
          await this.emit({ type: 'check.confirmed', step: step.index, text: item.check.text });
          this.counts.checksConfirmed++;
          didSomething = true;
        } else {
          // Skipping is the operator's answer to the check: the postmortem shows it, as it shows a confirmation.
          await this.emit({ type: 'check.skipped', step: step.index, text: item.check.text });
          this.counts.checksSkipped++;
        }
        continue;
      }
      const c = item.c;
      if (!c.runnable) {
        this.p.view.command(c.text, c, false, []);
        continue;
      }
      const r = await this.command(step, c);
      if (r === 'ran') didSomething = true;
      if (r === 'failed') return 'failed';
    }
    const runnable = step.commands.filter((c) => c.runnable);
    const skipped = runnable.length > 0 && !didSomething;
    await this.emit({ type: skipped ? 'step.skipped' : 'step.completed', step: step.index, title: step.title });
    if (skipped) this.counts.stepsSkipped++;
    else this.counts.stepsDone++;
    return 'ok';
  }

  /** Suggestions recorded since the last look, shown as they arrive (docs/mcp.md). */
  private async newSuggestions(): Promise<Suggestion[]> {
    const found = (await this.p.suggestions?.fresh().catch(() => [])) ?? [];
    for (const s of found) this.p.view.event(s);
    if (found.length && this.cfg.yes) this.p.view.message('--yes never runs a suggested command: it is shown and stays in the timeline', 'warn');
    return found;
  }

  /** One command, through every prompt. 'failed' ends the run as failed. `from`: a suggestion the operator chose to run. */
  private async command(step: Step, c: Command, from?: Suggestion): Promise<'ran' | 'skipped' | 'failed'> {
    const { cfg, p } = this;
    let template = c.text;
    let edited = false;
    const refs = (): ResolvedVar[] =>
      [...new Set([...c.placeholders, ...c.envRefs])].map((n) => this.byName.get(n)).filter((v): v is ResolvedVar => v !== undefined);
    const display = (): string => renderForDisplay(template, this.byName);
    // Danger is judged on what will run: values filled in, after every edit. The parse-time verdict on the
    // text as written still counts until the operator edits it (a `{{x}}` there may hide nothing).
    const judge = (): DangerJudgement => {
      const now = judgeDanger(c, display(), { lookup: (n) => this.knownValue(n) });
      return !now.danger && !edited && c.danger ? { ...now, danger: true, reason: c.dangerReason } : now;
    };
    let verdict = judge();
    const shown = (): Command => ({ ...c, danger: verdict.danger, dangerReason: verdict.reason });
    const skip = async (why?: string, tone: 'info' | 'warn' = 'warn'): Promise<'skipped'> => {
      if (why) p.view.message(why, tone);
      await this.emit({ type: 'command.skipped', step: step.index, id: c.id, command: display() });
      this.counts.commandsSkipped++;
      return 'skipped';
    };

    p.view.command(display(), shown(), edited, refs(), this.hostsOf(c));
    if (cfg.mode === 'dry-run') return skip();
    // A drill has nothing to play for a command the incident never ran: skipped, and said so, not a failure.
    if (cfg.mode === 'drill' && p.executor.hasRecording?.({ id: c.id, command: display() }) === false) return skip(`${c.id} was not run during the incident: there is no recorded output to show`, 'info');
    if (this.hostsOf(c) && !this.targetsConfirmed && cfg.mode === 'live') {
      this.targetsConfirmed = true;
      await confirmTargets(cfg.fleet as FleetConfig, cfg.yes, p, (b) => this.emit(b));
    }
    const offered = from ? [] : await this.newSuggestions();
    if (cfg.yes) {
      if (verdict.danger && !cfg.allowDangerous) return skip(`skipped ${c.id}: dangerous (${verdict.reason}); --allow-dangerous runs it with --yes`);
      if (c.interactive) return skip(`skipped ${c.id}: interactive commands need an operator`);
      const result = await this.execute(step, c, template, edited, verdict.danger, undefined, from);
      // A drill walks on: the recorded failure is what the trainee is there to see.
      if (failed(result) && !c.allowFailure && cfg.mode !== 'drill') return 'failed';
      return 'ran';
    }

    for (;;) {
      this.checkStop();
      if (!from) offered.push(...(await this.newSuggestions()));
      const choice = await p.prompter.commandAction({ id: c.id, danger: verdict.danger, suggestions: offered.length });
      if (choice === 'stop') throw new AbortedError('stopped by the operator');
      const chosen = choice === 'suggestion' ? offered.shift() : undefined;
      if (chosen) {
        // Run through the same prompts as any command (danger confirmation, edit), then back to this one.
        if ((await this.command(step, suggestedCommand(chosen), chosen)) === 'failed') return 'failed';
        p.view.command(display(), shown(), edited, refs());
        continue;
      }
      if (choice === 'suggestion') continue;
      if (choice === 'skip') return skip();
      if (choice === 'note') {
        const text = (await p.prompter.note()).trim();
        const tooLong = noteTooLong(text);
        if (tooLong) p.view.message(`not recorded: ${tooLong}`, 'warn');
        else if (text) await this.emit({ type: 'note', text, actor: cfg.actor });
        continue;
      }
      if (choice === 'edit') {
        template = await this.edit(template);
        edited = edited || template !== c.text;
        verdict = judge();
        p.view.command(display(), shown(), edited, refs(), this.hostsOf(c));
        continue;
      }
      // run
      if (verdict.danger && !(await p.prompter.confirmDanger(verdict.word))) {
        p.view.message(`not run: the confirmation did not match "${verdict.word}"`, 'warn');
        continue;
      }
      // After a failure on some hosts, retrying (or an edit) runs on those hosts only.
      let only: string[] | undefined;
      for (;;) {
        const result = await this.execute(step, c, template, edited, verdict.danger, only, from);
        // In a drill the result is what was recorded: retrying or editing it changes nothing.
        if (!failed(result) || c.allowFailure || cfg.mode === 'drill') return 'ran';
        only = 'failedHosts' in result ? (result as FleetResult).failedHosts : undefined;
        const next = await p.prompter.failureAction({ id: c.id, interrupted: result.interrupted, ...(only ? { hosts: only } : {}) });
        if (next === 'retry') continue;
        if (next === 'continue') return 'ran';
        // Ctrl-C then stop is the operator's choice to stop, not a failure of the command on its own.
        if (next === 'stop' && result.interrupted) throw new AbortedError(`stopped by the operator after interrupting ${c.id}`);
        if (next === 'stop') return 'failed';
        template = await this.edit(template);
        edited = edited || template !== c.text;
        verdict = judge();
        p.view.command(display(), shown(), edited, refs(), this.hostsOf(c));
        if (verdict.danger && !(await p.prompter.confirmDanger(verdict.word))) {
          p.view.message(`not run: the confirmation did not match "${verdict.word}"`, 'warn');
          return skip();
        }
      }
    }
  }

  /** Edit what the operator sees (values filled in) unless a secret is involved: then the template itself. */
  private async edit(template: string): Promise<string> {
    const base = this.usesSecret(template) ? template : renderForDisplay(template, this.byName);
    // An editor leaves a final newline: dropped, so what is shown, recorded and run are the same text.
    const next = (await this.p.prompter.editCommand(base)).replace(/\s+$/, '');
    // Nothing changed (or the editor could not open): the command stays as it was, not marked edited.
    return next.trim() === '' || next === base.replace(/\s+$/, '') ? template : next;
  }

  /** Whether a `{{name}}` of the text is a secret (shown as [secret]). */
  private usesSecret(template: string): boolean {
    return placeholderNames(template).some((n) => this.byName.get(n)?.secret);
  }

  /** A value the command may expand (`$TOOL`, `$RUNBOOK_VAR_tool`), for judging danger; never a secret. */
  private knownValue(name: string): string | undefined {
    const v = this.byName.get(name.startsWith('RUNBOOK_VAR_') ? name.slice('RUNBOOK_VAR_'.length) : name);
    return v && !v.secret ? v.value : undefined;
  }

  /** The hosts a block runs on (a retry: the failed ones), or undefined when it runs here. */
  private hostsOf(c: Command, only?: string[]): string[] | undefined {
    const targets = this.cfg.fleet?.byOn.get(runsOn(c));
    if (!targets || targets.length === 0 || !c.runnable) return undefined;
    const names = targets.map((t) => t.name);
    return only ? names.filter((n) => only.includes(n)) : names;
  }

  private async execute(step: Step, c: Command, template: string, edited: boolean, danger: boolean, only?: string[], from?: Suggestion): Promise<ExecResult> {
    const { cfg, p } = this;
    this.checkStop();
    let script = '';
    let unsafe: string | undefined = await this.shell.askDeferred(c, p, (b) => this.emit(b), this.hostsOf(c, only));
    if (unsafe === undefined) try {
      script = renderForShell(template, this.values);
    } catch (err) {
      if (!(err instanceof UnsafeValueError)) throw err;
      unsafe = err.message; // recorded like a command that could not start: nothing of it runs
    }
    // On disk before the command is spawned (the sink syncs before resolving).
    // A shown form with a secret masked is not what ran: the script (references only, no value) is recorded too.
    const hosts = this.hostsOf(c, only);
    await this.emit({ type: 'command.started', step: step.index, id: c.id, command: renderForDisplay(template, this.byName), edited, danger, ...(script && this.usesSecret(template) ? { script } : {}), ...(hosts ? { hosts } : {}), ...(from ? { suggestion: from.id, suggested_by: from.actor, approved_by: cfg.actor } : {}) });
    const interrupt = new AbortController();
    if (hosts && unsafe === undefined && p.transport) {
      const request = { script, ...(c.shell ? { shell: c.shell } : {}), ...(c.cwd ? { cwd: c.cwd } : {}), env: fleetEnv(cfg.vars), timeoutMs: c.timeoutMs ?? cfg.runbook.timeoutMs ?? cfg.defaultTimeoutMs };
      const result = await runCommandOnHosts(p, cfg.fleet as FleetConfig, { id: c.id, on: runsOn(c), hosts, request, emit: (b) => this.emit(b), interrupt, session: this.shell.fleetSession() });
      this.lastResult.set(c.id, { failed: failed(result) && !c.allowFailure, how: howItEnded(result) });
      this.checkStop();
      return result;
    }
    let writeFailure: unknown = null;
    let pending: Promise<void> = Promise.resolve();
    const launch = this.shell.launch(c.cwd ? resolveCwd(cfg.cwd, c.cwd) : undefined);
    const stdoutCapture = this.shell.startCapture(c);
    const capture = createCapture((stream, data) => {
      if (writeFailure) return; // nothing more can be recorded
      pending = pending.then(() => p.sink.appendOutput({ type: 'command.output', id: c.id, stream, data })).catch((err) => {
        if (!writeFailure) {
          writeFailure = err;
          p.view.message(err instanceof Error ? err.message : String(err), 'error');
          // Nothing may run unrecorded: stop the command now (its process group, as on Ctrl-C).
          interrupt.abort('interrupt');
        }
      });
    });
    const onStop = (): void => interrupt.abort('terminate');
    p.stop?.addEventListener('abort', onStop, { once: true });
    p.onCommand?.(interrupt);
    p.view.running(c.id);
    let result: ExecResult;
    try {
      result = unsafe !== undefined ? { exitCode: null, signal: null, durationMs: 0, timedOut: false, interrupted: false, spawnError: unsafe } : await p.executor.run(
        {
          script,
          shell: c.shell ?? cfg.shell,
          cwd: launch?.cwd ?? (c.cwd ? resolveCwd(cfg.cwd, c.cwd) : cfg.cwd),
          env: launch?.env ?? this.env,
          ...(launch ? { sessionDump: true } : {}),
          timeoutMs: c.timeoutMs ?? cfg.runbook.timeoutMs ?? cfg.defaultTimeoutMs,
          interactive: c.interactive,
          signal: interrupt.signal,
          meta: { id: c.id, step: step.index, command: renderForDisplay(template, this.byName) },
        },
        c.interactive ? () => undefined : (stream, chunk) => (capture.push(stream, chunk), stdoutCapture?.push(stream, chunk)),
      );
    } finally {
      p.view.running(null);
      p.onCommand?.(null);
      p.stop?.removeEventListener('abort', onStop);
    }
    if (result.spawnError) capture.push('stderr', Buffer.from(`runbook: could not start the command: ${result.spawnError}\n`));
    if (c.interactive) capture.push('stdout', Buffer.from('[interactive: output went to the terminal and was not recorded]\n'));
    const captured = failed(result) ? undefined : stdoutCapture?.finish();
    if (captured?.error !== undefined) {
      result = { ...result, captureError: captured.error };
      capture.push('stderr', Buffer.from(`runbook: ${captured.error}\n`));
      p.view.message(captured.error, 'error');
    }
    // What the timeline leaves out: beyond its cap, and what the executor never had (a drill's recording).
    const omitted = capture.finish() + (result.unrecordedBytes ?? 0);
    await pending;
    if (writeFailure) throw writeFailure instanceof TimelineWriteError ? writeFailure : new TimelineWriteError(p.sink.path, String(writeFailure));
    await this.emit(commandFinished(c.id, result, omitted));
    if (!failed(result)) await this.shell.settle(c, result, launch?.startCwd, captured?.value, (b) => this.emit(b), p.addSecret);
    this.lastResult.set(c.id, { failed: failed(result) && !c.allowFailure, how: howItEnded(result) });
    if (failed(result) && result.spawnError) p.view.message(`could not start: ${result.spawnError}`, 'error');
    this.checkStop();
    return result;
  }

  async finish(status: RunStatus): Promise<RunOutcome> {
    const durationMs = this.elapsed();
    await this.emit({ type: 'run.finished', status, duration_ms: durationMs });
    const failures = [...this.lastResult].filter(([, r]) => r.failed).map(([id, r]) => ({ id, how: r.how }));
    const counts = { ...this.counts, commandsRun: this.lastResult.size, commandsFailed: failures.length };
    return { status, counts, failures, durationMs };
  }
}

function resolveCwd(base: string, cwd: string): string {
  return cwd.startsWith('/') ? cwd : `${base.replace(/\/$/, '')}/${cwd}`;
}

/**
 * Run a runbook to its end. Returns the outcome; an abort (stop, Ctrl-C twice, SIGTERM) is recorded as
 * `aborted` and returned too. A timeline write failure is thrown (nothing may run after it).
 */
export async function runRunbook(cfg: RunConfig, ports: EnginePorts): Promise<RunOutcome> {
  const run = new Run(cfg, ports);
  await run.start();
  let status: RunStatus;
  try {
    status = await run.walk();
  } catch (err) {
    if (!(err instanceof AbortedError)) throw err;
    ports.view.message(err.message, 'warn');
    status = 'aborted';
  }
  return run.finish(status);
}
