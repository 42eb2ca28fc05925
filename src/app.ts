// Composition root: parse argv, run one command, and map its outcome to an exit code. Importable (in-process
// tests call main() with an Io of their own); src/main.ts is the process entry and the only process.exit.
import type { Io } from './io.js';
import type { ListOptions } from './cli.js';
import { ExitCode, UserError, AbortedError } from './errors.js';
import { neutralize } from './ui/neutralize.js';

/** The options commander gives a bare `runbook list` (test/unit/cli.test.ts holds the two equal). */
export const BARE_LIST: ListOptions = { dirs: [], tag: [], service: undefined, severity: undefined, search: undefined, json: false };

async function dispatch(argv: string[], io: Io): Promise<number> {
  // An MCP client waits for `initialize` as the server starts: plain `runbook mcp` skips commander (~20 ms).
  if (argv.length === 1 && argv[0] === 'mcp') return (await import('./commands/mcp.js')).mcp({ dirs: [] }, io);
  // Plain `runbook list`, the command typed most, skips commander too: what it would have parsed is fixed.
  if (argv.length === 1 && argv[0] === 'list') return (await import('./commands/list.js')).list(BARE_LIST, io);
  const { route } = await import('./cli.js');
  const r = route(argv, io, (await import('./self-name.js')).selfName(io));
  if (r === null) return ExitCode.ok;
  switch (r.command) {
    case 'list':
      return (await import('./commands/list.js')).list(r.options, io);
    case 'show':
      return (await import('./commands/show.js')).show(r.runbook, r.options, io);
    case 'lint':
      return (await import('./commands/lint.js')).lint(r.paths, r.options, io);
    case 'new':
      return (await import('./commands/new.js')).newRunbook(r.id, r.options, io);
    case 'run':
      return (await import('./commands/run.js')).run(r.runbook, r.options, io);
    case 'note':
      return (await import('./commands/note.js')).note(r.text, r.options, io);
    case 'mark':
      return (await import('./commands/note.js')).mark(r.what, r.text, r.options, io);
    case 'incidents':
      return (await import('./commands/incidents.js')).incidents(r.options, io);
    case 'replay':
      return (await import('./commands/replay.js')).replay(r.timeline, r.options, io);
    case 'status':
      return (await import('./commands/status.js')).status(r.options, io);
    case 'handover':
      return (await import('./commands/handover.js')).handover(r.text, r.options, io);
    case 'export':
      return (await import('./commands/export.js')).exportTimeline(r.timeline, r.options, io);
    case 'drill':
      return (await import('./commands/drill.js')).drill(r.timeline, r.options, io);
    case 'verify':
      return (await import('./commands/verify.js')).verify(r.timeline, r.options, io);
    case 'seal':
      return (await import('./commands/seal.js')).seal(r.timeline, r.options, io);
    case 'gameday':
      return (await import('./commands/gameday.js')).gameday(r.scenario, r.options, io);
    case 'completion':
      return (await import('./commands/completion.js')).completion(r.shell, { ...r.options, spec: r.spec }, io);
    case 'ids':
      return (await import('./commands/completion.js')).ids(r.options, io);
    case 'mcp':
      return (await import('./commands/mcp.js')).mcp(r.options, io);
  }
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    // A message may quote a runbook, a timeline or a value: shown, never obeyed by the terminal.
    if (err instanceof UserError) {
      if (err.message) io.stderr.write(`runbook: ${neutralize(err.message, { multiline: true })}\n`);
      return err.exitCode;
    }
    if (err instanceof AbortedError) {
      io.stderr.write(`runbook: ${neutralize(err.message, { multiline: true })}\n`);
      return ExitCode.aborted;
    }
    // The bundle's stack names dist/ chunks: map it back to src/ lines for the report.
    const raw = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const stack = await import('./source-stack.js').then((m) => m.toSourceLines(raw), () => raw);
    io.stderr.write(`runbook: internal error (this is a bug, please report it with the lines below)\n${stack}\n`);
    return 70;
  }
}
