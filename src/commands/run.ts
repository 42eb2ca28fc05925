// `runbook run`: compose the real adapters (prompts, execa, clock, timeline writer, terminal view) around
// the engine. Every check that can refuse the run happens before the first command.
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import type { RunOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode, UserError } from '../errors.js';
import { resolveRunbook } from '../runbook/resolve.js';
import type { Runbook } from '../runbook/model.js';
import { DEFAULT_TIMEOUT_MS, runRunbook, type RunOutcome } from '../runner/engine.js';
import type { RunConfig } from '../runner/run-config.js';
import { parseVarFlags } from '../runner/vars.js';
import { namesSetEarlier } from '../runner/session-names.js';
import { resolveVars } from './resolve-vars.js';
import { systemClock } from '../adapters/clock.js';
import { openTimeline } from '../timeline/writer.js';
import { chooseSigningKey, sshSealer } from '../timeline/ssh-sign.js';
import { createRedactor, loadUserRedactPatterns, runbookSecrets } from '../timeline/redact.js';
import { VERSION } from '../version.js';
import { loadStyle } from '../ui/style.js';
import { formatDuration } from '../report/render-event.js';
import { neutralize } from '../ui/neutralize.js';
import { actorName } from './note.js';
import { relativeTo } from './shared.js';
import { hint, selfName } from '../self-name.js';
import { defaultShell } from '../adapters/shell.js';
import type { Executor } from '../runner/ports.js';
import { timelineSuggestions } from '../runner/suggestions.js';
import { checkRunbookBeforeRun, readResume, refuseUsedTimeline } from './run-checks.js';
import { prepareFleet } from './run-targets.js';
import { createSshTransport } from '../fleet/ssh.js';
import { createHostView } from '../ui/host-view.js';
import { createTimeline, discardingSink, handleSignals, refusingExecutor, refusingPrompter, terminalPrompter, tolerantStreams } from './session.js';

/** A path as printed: relative when under cwd, and neutralised (a file name can hold anything). */
function shortPath(io: Io, p: string): string {
  return neutralize(relativeTo(io.cwd)(p));
}

export async function run(ref: string | undefined, o: RunOptions, io: Io): Promise<number> {
  if (o.resume !== undefined && o.dryRun) throw new UserError('--dry-run previews a new run and cannot continue one: leave out --resume, and add --from-step N');
  const flags = parseVarFlags(o.vars);
  if (flags.errors.length) throw new UserError(flags.errors[0] as string);
  // The operator is asked at the terminal before each command (not --yes, not a preview).
  const asking = io.interactive && !o.yes && !o.dryRun;
  // At the terminal, output whose stdout reader went away (`| tee` stopped by a Ctrl-C) is shown on stderr.
  const streams = tolerantStreams(io, { stdoutToStderr: asking && Boolean((io.stderr as NodeJS.WriteStream).isTTY) });
  // execa is the heaviest module of a run (~130 ES modules): start loading it now, so it loads while the
  // runbook is read, values are asked for and the operator reads the first prompt.
  const executorModule = o.dryRun ? Promise.resolve(null as never) : import('../adapters/executor.js');
  executorModule.catch(() => undefined); // awaited below; never an unhandled rejection on an early exit

  const resume = o.resume !== undefined ? await readResume(resolve(io.cwd, o.resume), o.resume, io.cwd, selfName(io)) : undefined;
  const runbook = resume?.runbook ?? (await resolveChecked(ref ?? '', o, io));
  if (resume && ref !== undefined && ref !== runbook.id && resolve(io.cwd, ref) !== runbook.path) {
    throw new UserError(`${o.resume} is a run of "${runbook.id}", not "${ref}" (with --resume the runbook can be left out)`);
  }
  // After the runbook is found: a misspelt id is the first thing to hear about, with or without a terminal.
  if (!io.interactive && !o.yes && !o.dryRun) {
    throw new UserError('run asks before every command and needs a terminal on stdin and stderr; use --yes to run without asking, or --dry-run to preview');
  }
  // One run per timeline: a second run.started in a file would make its replay and postmortem wrong. Checked
  // before any value is asked for, so the operator is not asked and then refused.
  if (!resume && o.timeline) await refuseUsedTimeline(resolve(io.cwd, o.timeline), o.timeline, selfName(io));
  const fromStep = o.fromStep ?? resume?.fromStep ?? 1;
  if (fromStep > runbook.steps.length) {
    throw new UserError(resume ? `${o.resume}: every step is done already` : `--from-step ${fromStep}: "${runbook.id}" has ${runbook.steps.length} step${runbook.steps.length === 1 ? '' : 's'}`);
  }

  // Values: --var, then the environment, then a default, then the operator (masked for secrets).
  const stop = new AbortController();
  let prompter: Awaited<ReturnType<typeof terminalPrompter>> | undefined;
  // Set by an earlier command of the run (on resume, also by the steps already done): asked only when needed.
  const deferred = namesSetEarlier(runbook, resume ? 1 : fromStep, o.session !== false);
  const varInputs: Parameters<typeof resolveVars>[0] = {
    runbook,
    fromStep,
    flags: flags.values,
    freeText: o.freeText ?? [],
    env: io.env,
    interactive: io.interactive,
    dryRun: o.dryRun,
    ...(resume ? { previous: resume.vars, redacted: resume.redacted, resumePath: o.resume ?? '' } : {}),
    notice: (line) => streams.stderr.write(`runbook: ${line}\n`),
    prompter: async () => (prompter ??= await terminalPrompter(io, stop.signal)),
    deferred,
  };
  const vars = await resolveVars(varInputs);
  // Captures of the resumed run come back as they were recorded (a secret-looking one is asked again).
  for (const [name, v] of resume?.vars ?? []) if (v.source === 'capture' && !vars.some((x) => x.name === name)) vars.push({ name, value: v.value, source: 'capture', secret: false });

  // Hosts for on= blocks (--on, --inventory): refused here, before anything is recorded or run.
  const askHosts = asking
    ? async () => (prompter ??= await terminalPrompter(io, stop.signal)).askVar({ name: 'hosts', description: 'hosts to run on (web1,web2 or an inventory group)', secret: false, validate: (v) => (v.trim() ? null : 'name at least one host') })
    : undefined;
  const fleet = await prepareFleet(o, runbook, fromStep, io, askHosts);

  // The timeline is opened before anything runs: if it cannot be written, nothing runs.
  const redactor = createRedactor({
    secrets: [...vars.filter((v) => v.secret).map((v) => v.value), ...runbookSecrets(runbook)],
    patterns: [...loadUserRedactPatterns(io.env), ...runbook.redact],
  });
  const timelinePath = resume?.path ?? (o.timeline ? resolve(io.cwd, o.timeline) : undefined);
  // run.finished is followed by a seal over the chain, signed when a key is at hand (never prompting).
  const notice = (line: string): void => void streams.stderr.write(`runbook: ${line}\n`);
  const sealer = sshSealer({ key: chooseSigningKey(o.sign, io.env), actor: actorName(io.env), env: io.env, notice });
  // A dry run is a preview, not an incident: it records only where --timeline asks it to.
  const sink = timelinePath
    ? await openTimeline(timelinePath, { clock: systemClock, redactor, create: false, owner: true, lazySync: o.dryRun, sealer })
    : o.dryRun
      ? discardingSink()
      : await createTimeline(io, runbook.id, redactor, new Date(), 'incident', { sealer });
  const path = sink.path;
  const recorded = path !== '';

  const style = await loadStyle(io.colorErr);
  const { createLiveView, renderRunSummary } = await import('../ui/live-view.js');
  const view = createLiveView(streams.stderr, streams, style, {
    timelinePath: recorded ? shortPath(io, path) : 'not recorded (dry run; --timeline FILE records one)',
    statusLine: Boolean((io.stderr as NodeJS.WriteStream).isTTY),
    title: runbook.title,
    stepCount: runbook.steps.length,
    allowFailure: new Set(runbook.steps.flatMap((s) => s.commands.filter((c) => c.allowFailure).map((c) => c.id))),
  });
  // A dry run executes nothing, so it never waits for execa; a live run awaits the load started above. No
  // command gets a descriptor the runner inherited (docs/running.md).
  if (!o.dryRun) io.closeInherited?.();
  const executor: Executor = o.dryRun ? refusingExecutor() : (await executorModule).createExecutor();
  const liveExecutor: Executor = { run: (req, onOutput) => executor.run({ ...req, live: view.live }, onOutput) };
  // ssh's master connection writes a host's output into our pipes itself (a multiplexed session gets our
  // descriptors), and may still be writing when the local ssh has exited: its pipes are waited for until the
  // master closes them, not cut after the local default's 300 ms of quiet.
  const transport = fleet && fleet.config.all.length > 0 && !o.dryRun
    ? createSshTransport((await executorModule).createExecutor({ pipeQuietMs: 10_000, pipeCapMs: 60_000 }), fleet.sshConfig !== undefined ? { configFile: fleet.sshConfig } : {})
    : undefined;
  if (fleet?.notice) view.message(fleet.notice, 'warn');
  const activePrompter = prompter ?? (asking ? await terminalPrompter(io, stop.signal) : refusingPrompter());

  let current: AbortController | null = null;
  const removeSignals = handleSignals(io, stop, { unattended: o.yes, current: () => current });

  const cfg: RunConfig = {
    runbook,
    mode: o.dryRun ? 'dry-run' : 'live',
    yes: o.yes,
    allowDangerous: o.allowDangerous,
    fromStep,
    vars,
    env: io.env,
    cwd: io.cwd,
    shell: defaultShell(io.env.PATH),
    defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
    incident: resume?.incident ?? (recorded ? basename(path).replace(/\.jsonl$/, '') : `dry-run-${runbook.id}`),
    actor: actorName(io.env),
    host: hostname(),
    cliVersion: VERSION,
    session: o.session !== false,
    deferred,
    ...(resume ? { restoreSession: resume.session } : {}),
    ...(fleet ? { fleet: fleet.config } : {}),
  };
  if (resume) {
    // The run's clock started with its run.started, before the crash: its duration includes the gap.
    cfg.resumed = { originMonoMs: systemClock.monoMs() - Math.max(0, systemClock.now().getTime() - resume.startedAtMs), earlier: resume.earlier(fromStep) };
    view.message(`resuming ${shortPath(io, path)} at step ${fromStep}`);
  }

  // A recorded live run joins its team: registered on the host, showing others' notes (docs/team.md).
  const live = recorded && !o.dryRun
    ? (await import('./live-session.js')).startLiveSession({ io, sink, view, prompter: activePrompter, actor: cfg.actor, incident: cfg.incident, runbook: runbook.id })
    : null;
  let outcome: RunOutcome;
  try {
    outcome = await runRunbook(cfg, {
      prompter: live?.prompter ?? activePrompter,
      executor: liveExecutor,
      clock: systemClock,
      sink: live?.sink ?? sink,
      view,
      stop: stop.signal,
      onCommand: (c) => (current = c),
      askVar: async (name) => {
        const [v] = await resolveVars({ ...varInputs, only: name, interactive: varInputs.interactive && !o.yes });
        if (!v) throw new Error(`${name} has no value`);
        return v;
      },
      addSecret: (value) => redactor.addSecret(value),
      ...(transport ? { transport, hostView: createHostView(view.live.stdout, view.live, style) } : {}),
      // Suggested commands (runbook mcp) are offered at the prompts of a recorded live run.
      ...(recorded && !o.dryRun ? { suggestions: timelineSuggestions(path) } : {}),
    });
  } finally {
    await live?.stop();
    await transport?.close();
    view.dispose();
    removeSignals();
    await sink.close().catch(() => undefined);
  }

  // An aborted run can be continued; a dry run only previews, so it is never resumed.
  const resumeHint = outcome.status === 'aborted' && !o.dryRun ? hint(io, 'run', '--resume', shortPath(io, path)) : null;
  streams.stderr.write(renderRunSummary(outcome, style, { stepCount: runbook.steps.length, timelinePath: recorded ? shortPath(io, path) : null, resumeHint, self: selfName(io) }));
  return outcome.status === 'completed' ? ExitCode.ok : outcome.status === 'failed' ? ExitCode.failed : ExitCode.aborted;
}

/** A runbook named on the command line, refused when its lint errors change what would run. */
async function resolveChecked(ref: string, o: RunOptions, io: Io): Promise<Runbook> {
  const parsed = await resolveRunbook(ref, o.dirs, io.env, io.cwd);
  checkRunbookBeforeRun(parsed, io);
  return parsed.runbook;
}
