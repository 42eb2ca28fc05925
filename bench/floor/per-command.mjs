// Floor of the per-command cost: N commands `bash -c true`, each with two events (command.started synced
// before the command starts; command.finished shares the next one's sync), started either by execa from Node
// or by the project's own launcher (src/adapters/launcher.ts and its perl program, as `run` drives them).
// No redaction, rendering, session, output capture beyond draining the pipes.
import { execa } from 'execa';
import { createLauncher } from '../../src/adapters/launcher.ts';
import { floorTimeline } from './timeline.mjs';

const [how, n, dir] = process.argv.slice(-3);
const { emit } = floorTimeline(dir);

/** One command through runbook's launcher (its client and its perl program, as `run` drives them): its exit code. */
async function launched(launcher, argv) {
  const slot = await launcher.reserve();
  const r = slot.launch(argv, { cwd: process.cwd(), env: process.env, dump: false });
  const drained = [r.stdout, r.stderr].map((s) => new Promise((resolve) => s.on('close', resolve).resume()));
  const [code] = await new Promise((resolve, reject) => r.once('exit', (...a) => resolve(a)).once('error', reject));
  await Promise.all(drained);
  return code;
}

// No top-level await: bundled as CommonJS.
(async () => {
  // startAt 1 and always: every command waits for the launcher (runbook's own run sends its first two directly).
  const launcher = how === 'launcher' ? createLauncher({ startAt: 1, always: true }) : null;
  emit({ type: 'run.started' }, true);
  for (let id = 1; id <= Number(n); id++) {
    emit({ type: 'command.started', id }, true);
    const argv = ['/bin/bash', '-c', 'true'];
    const status = launcher
      ? await launched(launcher, argv)
      : (await execa(argv[0], argv.slice(1), { stdin: 'ignore', buffer: false, reject: false, detached: true })).exitCode;
    emit({ type: 'command.finished', id, status }, false);
  }
  emit({ type: 'run.finished' }, true);
})();
