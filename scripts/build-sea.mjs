// `npm run build:sea`: a Node single-executable application (Node 20's --experimental-sea-config) of the
// bundle, with the bundled runbooks inside: build/runbook, one file to copy onto a host that has no Node.
//   node scripts/build-sea.mjs [output]     (default build/runbook)
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const out = resolve(process.argv[2] ?? join(ROOT, 'build', 'runbook'));
const dir = join(ROOT, 'build', 'sea');
mkdirSync(dir, { recursive: true });
const run = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });

run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--sea']);
const config = join(dir, 'sea-config.json');
const blob = join(dir, 'sea-prep.blob');
writeFileSync(config, JSON.stringify({ main: join(dir, 'runbook.cjs'), output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
run(process.execPath, ['--experimental-sea-config', config]);
mkdirSync(dirname(out), { recursive: true });
copyFileSync(process.execPath, out);
chmodSync(out, 0o755);
run(process.execPath, [
  join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js'),
  out,
  'NODE_SEA_BLOB',
  blob,
  '--sentinel-fuse',
  'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
]);
process.stderr.write(`${out}: ${(statSync(out).size / 2 ** 20).toFixed(0)} MB\n`);
