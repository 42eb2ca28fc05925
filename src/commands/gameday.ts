// `runbook gameday`: list scenarios, revert leftovers (--cleanup), show past scores (--history), or play one
// game: show the plan, ask for the scenario id, then src/gameday/game.ts with the real adapters.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { GamedayOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode, UserError } from '../errors.js';
import { systemClock } from '../adapters/clock.js';
import { defaultShell } from '../adapters/shell.js';
import { resolveRunbook } from '../runbook/resolve.js';
import { createRedactor, loadUserRedactPatterns } from '../timeline/redact.js';
import { timelineFileName } from '../timeline/locate.js';
import { openTimeline } from '../timeline/writer.js';
import { ownStart } from '../timeline/lock.js';
import { VERSION } from '../version.js';
import { neutralize } from '../ui/neutralize.js';
import { loadStyle } from '../ui/style.js';
import { actorName } from './note.js';
import { relativeTo, writeJson } from './shared.js';
import { terminalPrompter, tolerantStreams } from './session.js';
import { hint } from '../self-name.js';
import { findScenarios, hostInterfaces, resolveScenario } from '../gameday/find.js';
import { lintScenario } from '../gameday/lint-scenario.js';
import { ensureRuntimeDir, runtimeDir, writeEntry, removeEntry, type JournalEntry } from '../gameday/journal.js';
import { removeWorkDir, revertLeftovers } from '../gameday/cleanup.js';
import { runGame, type ResponderHandle } from '../gameday/game.js';
import { hostsPlace, remoteHosts } from '../gameday/where.js';
import { controlDir, createSshTransport } from '../fleet/ssh.js';
import { resolveGameHosts } from './gameday-hosts.js';
import { gameHistory, gamedayDir, scoreGame } from '../gameday/score.js';
import { renderHistory, renderPlan, renderScore, shellWords } from '../gameday/render.js';
import { onStopSignals } from '../adapters/process-group.js';

const DEFAULT_POLL_MS = 5000;
// Long enough to span the polls between commands; short, so that the connections of a crashed game end soon.
const SSH_PERSIST_S = 60;

export async function gameday(ref: string | undefined, o: GamedayOptions, io: Io): Promise<number> {
  const streams = tolerantStreams(io);
  const say = (line: string, tone: 'info' | 'warn' | 'error' = 'info'): void => {
    streams.stderr.write(`${tone === 'error' ? 'gameday: ERROR: ' : 'gameday: '}${neutralize(line)}\n`);
  };
  if (o.list) return list(o, io);
  if (o.history) return history(ref, o, io);
  // No command nor fault gets a descriptor this process inherited (docs/running.md).
  io.closeInherited?.();
  const { createExecutor } = await import('../adapters/executor.js');
  const executor = createExecutor();
  // ssh's control master may hold the pipes a while after the command ended (run uses the same settings).
  const sshExecutor = (): ReturnType<typeof createExecutor> => createExecutor({ pipeQuietMs: 10_000, pipeCapMs: 60_000 });
  const runtime = runtimeDir(io.env);
  if (o.cleanup) {
    await ensureRuntimeDir(runtime);
    const r = await revertLeftovers(runtime, executor, say, sshExecutor());
    for (const p of r.problems) say(`unreadable journal entry: ${p}`, 'error');
    for (const e of r.running) say(`game ${e.game} is still running (pid ${e.pid}): it reverts its own fault`);
    for (const e of r.failed) say(`the revert of game ${e.game} (scenario ${e.scenario.id}) FAILED (${e.failedReverts} tries): fix what blocks it and run ${hint(io, 'gameday', '--cleanup')} again`, 'error');
    say(`${r.reverted.length} game${r.reverted.length === 1 ? '' : 's'} reverted, ${r.failed.length} failed, ${r.running.length} still running`);
    return r.failed.length || r.problems.length ? ExitCode.failed : ExitCode.ok;
  }

  // Play a game.
  const parsed = await resolveScenario(ref ?? '', o.dirs, io.cwd);
  const s = parsed.scenario;
  const errors = lintScenario(parsed, { hostInterfaces: hostInterfaces() }).filter((p) => p.severity === 'error');
  if (errors.length) {
    const e = errors[0]!;
    throw new UserError(`${relativeTo(io.cwd)(e.file)}:${e.line}: ${e.message}${errors.length > 1 ? ` (and ${errors.length - 1} more: ${hint(io, 'lint', relativeTo(io.cwd)(s.path))})` : ''}`);
  }
  if (!io.interactive && !o.yes) throw new UserError('gameday asks you to type the scenario id before injecting a fault and needs a terminal; use --yes in scripts');
  if (!io.interactive && !o.split && !o.autoRespond) throw new UserError("the responder's runbook needs a terminal: use --split (run it in another terminal) or --auto-respond");
  const responderRunbook = await resolveRunbook(s.runbook, o.dirs, io.env, io.cwd);
  const fleet = resolveGameHosts(s, o, io.env, io.cwd);

  // What a crashed game left comes first: two faults at once would make neither game mean anything.
  await ensureRuntimeDir(runtime);
  const left = await revertLeftovers(runtime, executor, say, sshExecutor());
  if (left.failed.length) throw new UserError(`a previous game's revert failed (${left.failed.map((e) => e.game).join(', ')}): fix it with ${hint(io, 'gameday', '--cleanup')} first`, ExitCode.failed);

  const started = new Date();
  const game = timelineFileName(started, s.id).replace(/\.jsonl$/, '');
  const folder = gamedayDir(io.env, io.cwd);
  const timeline = join(folder, `${game}.jsonl`);
  const responderTimeline = join(folder, `${game}.responder.jsonl`);
  const dir = join(runtime, game);
  const durationMs = o.duration !== undefined ? o.duration * 1000 : (s.durationMs ?? 0);
  const pollMs = o.poll !== undefined ? o.poll * 1000 : (s.pollMs ?? DEFAULT_POLL_MS);
  const gameEnv: Record<string, string> = {
    GAMEDAY_ID: game,
    GAMEDAY_DIR: dir,
    // Short: network namespace and interface names have little room.
    GAMEDAY_NETNS: `gd-${createHash('sha256').update(game).digest('hex').slice(0, 8)}`,
    GAMEDAY_TIMELINE: timeline,
    // For faults that limit themselves (stress-ng --timeout): never longer than the game.
    GAMEDAY_DURATION_S: String(Math.ceil(durationMs / 1000)),
  };
  const env: Record<string, string> = { ...stringEnv(io.env), ...gameEnv };
  const vars = Object.entries(s.vars).map(([k, v]) => `${k}=${v.replace(/\$\{(GAMEDAY_\w+)\}/g, (m, n: string) => gameEnv[n] ?? m)}`);
  const self = selfCommand();
  // The responder's on=targets blocks act on the game's hosts.
  const hostArgs = fleet ? ['--on', fleet.targets.map((t) => t.name).join(','), ...(o.inventory !== undefined ? ['--inventory', o.inventory] : []), ...(fleet.sshConfig !== undefined ? ['--ssh-config', fleet.sshConfig] : [])] : [];
  const responderArgs = ['run', responderRunbook.runbook.path, '--timeline', responderTimeline, ...vars.flatMap((v) => ['--var', v]), ...hostArgs, ...(o.autoRespond ? ['--yes', '--allow-dangerous'] : [])];
  const shell = defaultShell(io.env.PATH);

  const style = await loadStyle(io.colorErr);
  streams.stderr.write(renderPlan(s, { durationMs, pollMs, runbook: responderRunbook.runbook.id, timeline: relativeTo(io.cwd)(timeline), ...(fleet ? { hosts: fleet.targets.map((t) => t.name) } : {}) }, style));
  const stop = new AbortController();
  if (!o.yes) {
    streams.stderr.write(`To inject this fault, type the scenario's id.\n`);
    const prompter = await terminalPrompter(io, stop.signal);
    if (!(await prompter.confirmDanger(s.id))) {
      say('not started: the id was not typed');
      return ExitCode.aborted;
    }
  }

  const redactor = createRedactor({ patterns: loadUserRedactPatterns(io.env) });
  // The game's folder is its claim on this machine: a game of the same scenario started in the same second
  // from another project folder has the same id, and must not share the folder and the revert journal.
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    throw new UserError(`another game of ${s.id} started this same second on this machine (${dir} exists): start again in a moment`, ExitCode.failed);
  }
  const sink = await openTimeline(timeline, { clock: systemClock, redactor, create: true, owner: true }).catch((err: unknown) => {
    rmdirSync(dir);
    throw err;
  });
  const hosts = fleet ? remoteHosts(fleet.targets, gameEnv, game) : undefined;
  const sshControlDir = hosts ? controlDir() : undefined;
  const entry: JournalEntry = {
    game,
    scenario: { id: s.id, path: s.path },
    // On hosts, '' is the host's own default shell (bash, else sh): this machine's path may not exist there.
    revert: s.blocks.revert.map((b) => ({ text: b.text, shell: b.shell ?? (hosts ? '' : shell), timeoutMs: b.timeoutMs ?? 60_000 })),
    env,
    cwd: io.cwd,
    dir,
    timeline,
    pid: process.pid,
    host: hostname(),
    start: ownStart(),
    startedAt: started.toISOString(),
    failedReverts: 0,
    ...(hosts ? { hosts } : {}),
    ...(fleet?.sshConfig !== undefined ? { sshConfig: fleet.sshConfig } : {}),
    ...(sshControlDir !== undefined ? { sshControlDir } : {}),
  };
  const place = hosts ? hostsPlace(createSshTransport(sshExecutor(), { persistS: SSH_PERSIST_S, ...(sshControlDir !== undefined ? { controlDir: sshControlDir } : {}), ...(fleet?.sshConfig !== undefined ? { configFile: fleet.sshConfig } : {}) }), hosts) : undefined;

  let responder: ReturnType<typeof spawn> | null = null;
  const removeSignals = gameSignals(io, stop, () => responder !== null && responder.exitCode === null, say);
  let outcome;
  try {
    outcome = await runGame(
      {
        scenario: s,
        game,
        env,
        cwd: io.cwd,
        shell,
        dir,
        pollMs,
        durationMs,
        responder: { runbook: responderRunbook.runbook.id, timeline: relative(folder, responderTimeline), command: shellWords([...self, ...responderArgs]) },
        actor: actorName(io.env),
        host: hostname(),
        cliVersion: VERSION,
      },
      {
        executor,
        ...(place ? { place } : {}),
        clock: systemClock,
        sink,
        journal: { entry, write: (e) => writeEntry(runtime, e), remove: () => removeEntry(runtime, game) },
        removeDir: async () => void (await removeWorkDir(dir)),
        say,
        stop: stop.signal,
        startResponder: (): ResponderHandle | null => {
          if (o.split) {
            say(`responder: run this in a second terminal:\n  ${shellWords([...self, ...responderArgs])}`);
            say(`mark by hand there with: ${hint(io, 'mark', 'detected', '--timeline', relativeTo(io.cwd)(responderTimeline))}`);
            return null;
          }
          say(`starting the responder's runbook ${responderRunbook.runbook.id}`);
          const child = spawn(self[0]!, [...self.slice(1), ...responderArgs], { stdio: 'inherit', cwd: io.cwd, env: { ...io.env, RUNBOOK_GAMEDAY: timeline, RUNBOOK_GAMEDAY_PID: String(process.pid) } });
          responder = child;
          const done = new Promise<number | null>((resolve) => {
            child.on('exit', (code) => resolve(code));
            child.on('error', (err) => {
              say(`the responder's runbook could not start: ${err.message}`, 'error');
              resolve(null);
            });
          });
          return { done, stop: () => void child.kill('SIGTERM') };
        },
      },
    );
  } finally {
    removeSignals();
    await place?.close().catch(() => undefined);
    await sink.close().catch(() => undefined);
  }

  if (!outcome.reverted) {
    say(`THE REVERT FAILED: the fault of scenario ${s.id} may still be in place. The journal keeps it: fix what blocks it, then run ${hint(io, 'gameday', '--cleanup')}`, 'error');
  } else if (outcome.revertNotIdempotent) {
    say('the revert failed when run a second time: it is not safe to run twice, so a crashed game could not be cleaned up; fix the scenario', 'warn');
  }
  const score = await scoreGame(timeline);
  const previous = (await gameHistory(folder, s.id)).filter((g) => g.timeline !== timeline);
  if (score) streams.stderr.write(renderScore(score, previous, style));
  streams.stderr.write(`  game timeline        ${neutralize(relativeTo(io.cwd)(timeline))}\n`);
  if (!outcome.reverted) return ExitCode.failed;
  return outcome.status === 'completed' ? ExitCode.ok : outcome.status === 'aborted' ? ExitCode.aborted : ExitCode.failed;
}

async function list(o: GamedayOptions, io: Io): Promise<number> {
  const all = await findScenarios(o.dirs, io.cwd);
  const rows = all.map(({ scenario: s }) => ({ id: s.id, title: s.title, fault: s.fault, target: s.target, runbook: s.runbook }));
  if (o.json) {
    writeJson(io, rows);
    return ExitCode.ok;
  }
  for (const r of rows) io.stdout.write(`${neutralize(r.id.padEnd(16))} ${neutralize(r.target.padEnd(6))} ${neutralize(r.runbook.padEnd(18))} ${neutralize(r.fault)}\n`);
  return ExitCode.ok;
}

async function history(ref: string | undefined, o: GamedayOptions, io: Io): Promise<number> {
  const games = await gameHistory(gamedayDir(io.env, io.cwd), ref);
  if (o.json) {
    writeJson(io, games.map((g) => ({ ...g, timeline: relativeTo(io.cwd)(g.timeline), responderTimeline: g.responderTimeline && relativeTo(io.cwd)(g.responderTimeline) })));
    return ExitCode.ok;
  }
  io.stdout.write(renderHistory(games, relativeTo(io.cwd)));
  return ExitCode.ok;
}

/**
 * How to start this same CLI again: node and the script, or the single executable alone (its argv[1] is
 * itself, or missing).
 */
function selfCommand(): string[] {
  const script = process.argv[1];
  if (!script || script === process.execPath || basename(script) === basename(process.execPath)) return [process.execPath];
  return [process.execPath, script];
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * SIGTERM and SIGHUP end the game (it reverts). Ctrl-C reaches the responder's run too (same terminal): while
 * it runs on a terminal, a first Ctrl-C is the responder's (stopping a command); a second within 5 s ends the game.
 * Handlers stay while the revert runs, so a further signal never cuts it short.
 */
function gameSignals(io: Io, stop: AbortController, responderRunning: () => boolean, say: (l: string, t?: 'warn') => void): () => void {
  let lastInt = 0;
  const onInt = (): void => {
    if (stop.signal.aborted) return say('reverting, please wait', 'warn');
    const now = Date.now();
    if (io.interactive && responderRunning() && now - lastInt > 5000) {
      lastInt = now;
      return say('(Ctrl-C again within 5 s ends the game and reverts the fault)', 'warn');
    }
    stop.abort('SIGINT');
  };
  const onTerm = (): void => {
    if (stop.signal.aborted) return say('reverting, please wait', 'warn');
    stop.abort('signal');
  };
  return onStopSignals(onInt, onTerm);
}
