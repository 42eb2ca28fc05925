// `runbook drill`: a past incident as a game day. The same engine and prompts as `run`, an executor that
// plays back what was recorded, its own timeline (mode: drill), and a score at the end.
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import type { DrillOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode, UserError } from '../errors.js';
import { parseRunbook } from '../runbook/parse.js';
import { captureName } from '../runbook/attributes.js';
import { DEFAULT_TIMEOUT_MS, runRunbook } from '../runner/engine.js';
import { createDrillExecutor, readIncident, type DrillScore } from '../runner/drill.js';
import type { ResolvedVar } from '../runner/vars.js';
import type { EventSink, Prompter } from '../runner/ports.js';
import { systemClock } from '../adapters/clock.js';
import { createRedactor, loadUserRedactPatterns, runbookSecrets } from '../timeline/redact.js';
import { VERSION } from '../version.js';
import { loadStyle, type Style } from '../ui/style.js';
import { formatDuration } from '../report/render-event.js';
import { neutralize } from '../ui/neutralize.js';
import { columnsOf, wrapLine } from '../ui/wrap.js';
import { createLiveView } from '../ui/live-view.js';
import { actorName } from './note.js';
import { relativeTo } from './shared.js';
import { createTimeline, handleSignals, refusingPrompter, terminalPrompter, tolerantStreams } from './session.js';

export function renderScore(s: DrillScore, style: Style): string {
  const pct = (a: number, b: number): string => (b === 0 ? '—' : `${Math.round((100 * a) / b)}%`);
  const time = s.incidentMs === null ? formatDuration(s.drillMs) : `${formatDuration(s.drillMs)} (the incident took ${formatDuration(s.incidentMs)})`;
  return [
    '',
    style.bold('Drill score'),
    `  steps covered        ${s.stepsCovered} of ${s.stepsTotal} (${pct(s.stepsCovered, s.stepsTotal)})`,
    `  commands reviewed    ${s.commandsReviewed} of the ${s.commandsInIncident} run in the incident (${pct(s.commandsReviewed, s.commandsInIncident)})`,
    `  dangerous approved   ${s.dangerousApproved}`,
    `  time                 ${time}`,
    '',
  ].join('\n');
}

export async function drill(timeline: string, o: DrillOptions, io: Io): Promise<number> {
  const source = resolve(io.cwd, timeline);
  // The timeline is read first, as run finds its runbook first: a wrong path is named before "needs a terminal".
  const record = await readIncident(source);
  if (!io.interactive && !o.yes) throw new UserError('drill asks before every command like run does and needs a terminal; use --yes to walk every step without prompts');
  const streams = tolerantStreams(io);
  for (const p of record.problems) io.stderr.write(`runbook: ${neutralize(p)}\n`);
  const rb = parseRunbook(record.started.runbook.source, record.started.runbook.path).runbook;

  // Values as recorded; secrets (never recorded) and anything missing stand as their name: nothing runs.
  const names = new Set([...rb.vars.map((v) => v.name), ...rb.steps.flatMap((s) => s.commands.flatMap((c) => [...c.placeholders, ...c.envRefs]))]);
  // Where each came from during the incident; a capture that never stored a value is still named as one.
  const captured = new Set(rb.steps.flatMap((s) => s.commands.flatMap((c) => captureName(c.attributes) ?? [])));
  const vars: ResolvedVar[] = [...names].map((name) => ({
    name,
    value: record.vars.get(name)?.value ?? `<${name}>`,
    source: record.vars.get(name)?.source ?? (captured.has(name) ? 'capture' : 'default'),
    secret: rb.vars.find((v) => v.name === name)?.secret ?? false,
  }));

  const redactor = createRedactor({ secrets: runbookSecrets(rb), patterns: [...loadUserRedactPatterns(io.env), ...rb.redact] });
  const writer = await createTimeline(io, `${rb.id}-drill`, redactor, new Date(), 'drill');
  const path = writer.path;
  const stepsSeen = new Set<number>();
  let dangerousApproved = 0;
  const sink: EventSink = {
    path: writer.path,
    append: async (body) => {
      if (body.type === 'step.started') stepsSeen.add(body.step);
      // With --yes nobody approved anything: dangerous commands were only shown.
      if (body.type === 'command.started' && body.danger && !o.yes) dangerousApproved++;
      return writer.append(body);
    },
    appendOutput: (body) => writer.appendOutput(body),
    close: () => writer.close(),
  };

  const style = await loadStyle(io.colorErr);
  const view = createLiveView(streams.stderr, streams, style, { timelinePath: relativeTo(io.cwd)(path), statusLine: false });
  const executor = createDrillExecutor(record);
  const liveExecutor: typeof executor = { ...executor, run: (req, onOutput) => executor.run({ ...req, live: view.live }, onOutput) };
  const stop = new AbortController();
  // Nothing is ever executed in a drill, so there is no command to forward Ctrl-C to.
  const removeSignals = handleSignals(io, stop, { unattended: o.yes, current: () => null });
  const prompter: Prompter = o.yes ? refusingPrompter() : await terminalPrompter(io, stop.signal);
  // Wrapped at word boundaries to the terminal's width (a long file name made it break mid-word).
  const banner = `DRILL of ${neutralize(basename(source))}: commands are not executed; "run" shows what was recorded during the incident.`;
  const width = columnsOf(io.env, io.stderr);
  streams.stderr.write(`${wrapLine(banner, width).map((l) => style.yellow(l)).join('\n')}\n\n`);

  let outcome;
  try {
    outcome = await runRunbook(
      {
        runbook: rb,
        mode: 'drill',
        yes: o.yes,
        // In a drill nothing is executed: --yes reviews the dangerous commands too.
        allowDangerous: o.yes,
        fromStep: 1,
        vars,
        env: {},
        cwd: record.started.cwd,
        shell: 'sh',
        defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
        incident: basename(path).replace(/\.jsonl$/, ''),
        actor: actorName(io.env),
        host: hostname(),
        cliVersion: VERSION,
      },
      { prompter, executor: liveExecutor, clock: systemClock, sink, view, stop: stop.signal },
    );
  } finally {
    view.dispose();
    removeSignals();
    await sink.close().catch(() => undefined);
  }
  const score: DrillScore = {
    stepsCovered: stepsSeen.size,
    stepsTotal: rb.steps.length,
    commandsReviewed: executor.reviewed.size,
    commandsInIncident: record.commands.size,
    dangerousApproved,
    drillMs: outcome.durationMs,
    incidentMs: record.durationMs,
  };
  streams.stderr.write(renderScore(score, style));
  streams.stderr.write(`  drill timeline       ${neutralize(relativeTo(io.cwd)(path))}\n`);
  return outcome.status === 'aborted' ? ExitCode.aborted : ExitCode.ok;
}
