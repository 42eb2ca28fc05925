// The process entry: --version at once, else main() with the process's own streams, then the only process.exit.
import { processIo } from './io.js';

// Set by the bundler (scripts/build.mjs).
declare const __RUNBOOK_VERSION__: string | undefined;

// No top-level await: the single executable (build:sea) runs this module as CommonJS.
async function start(argv: string[]): Promise<void> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    // Fast path: the version needs neither commander nor anything else (bundled, not even a chunk).
    const version = typeof __RUNBOOK_VERSION__ === 'string' ? __RUNBOOK_VERSION__ : (await import('./version.js')).VERSION;
    process.stdout.write(`${version}\n`);
    return;
  }
  // Loaded here, not statically: app.js is also an entry of its own (the suite calls main() in-process).
  const { main } = await import('./app.js');
  const code = await main(argv, processIo());
  // Let stdout drain before exiting (a pipe may be slower than we are), unless its reader is gone.
  if (process.stdout.writableLength > 0 && !process.stdout.destroyed) {
    await new Promise((r) => {
      process.stdout.once('drain', r);
      process.stdout.once('close', r);
      process.stdout.once('error', r);
    });
  }
  process.exit(code);
}
void start(process.argv.slice(2));
