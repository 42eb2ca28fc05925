// The CLI's composition root (main() of dist/app.js: the bundle, as the binary runs it, built from src/app.ts)
// called in this process, with an Io of the test's own: for the
// many cases of commands that only read and write files (list, show, lint, new, note, mark, incidents, …),
// where a Node start per case (~0.3 s of CPU) was most of the suite's time. The same routing, commands and
// error mapping as the binary; what only a real process shows (exit through process.exit, the bundle, a
// terminal, signals) stays in the spawning tests, and each command keeps at least one of those.
import { PassThrough, Readable } from 'node:stream';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { colorWanted, type Io } from '../../src/io.js';
import { cliEnv, ROOT, type Exit } from './run-cli.js';

type Main = (argv: string[], io: Io) => Promise<number>;
let loaded: Promise<Main> | undefined;
/** The bundle's main(), loaded once by Node itself (a variable URL: vitest leaves it alone, nothing is transformed). */
function bundledMain(): Promise<Main> {
  const url = pathToFileURL(join(ROOT, 'dist', 'app.js')).href;
  return (loaded ??= (import(/* @vite-ignore */ url) as Promise<{ main: Main }>).then((m) => m.main));
}

/** `runbook ...args` in-process, in cwd, with cliEnv(cwd) unless env is given; never interactive. */
export async function runInProcess(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Exit> {
  const env = opts.env ?? cliEnv(opts.cwd);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => out.push(d));
  stderr.on('data', (d: Buffer) => err.push(d));
  const io: Io = {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env,
    cwd: opts.cwd,
    interactive: false,
    color: colorWanted(env, false),
    colorErr: colorWanted(env, false),
  };
  const code = await (await bundledMain())(args, io);
  return { code, signal: null, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
