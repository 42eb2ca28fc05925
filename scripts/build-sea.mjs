// `npm run build:sea`: a Node single-executable application (Node 20's --experimental-sea-config) of the
// bundle, with the bundled runbooks inside: build/runbook, one file to copy onto a host that has no Node.
//   node scripts/build-sea.mjs [output]     (default build/runbook)
// The executable is rebuilt only when what goes into it changed: the bundle (hashed after it is rebuilt, a
// second or two), this script, the Node binary and postject. The key is written beside it (<output>.key); the
// test suite runs this script and so reuses a build whose inputs are the same (postject takes about a minute).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const out = resolve(process.argv[2] ?? join(ROOT, 'build', 'runbook'));
const dir = join(ROOT, 'build', 'sea');
mkdirSync(dir, { recursive: true });
const run = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });

run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--sea']);
const key = createHash('sha256')
  .update(readFileSync(join(dir, 'runbook.cjs')))
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(`${process.version} ${process.execPath} ${statSync(process.execPath).size} ${statSync(process.execPath).mtimeMs}`)
  .update(readFileSync(join(ROOT, 'node_modules', 'postject', 'package.json')))
  .digest('hex');
const keyFile = `${out}.key`;
if (existsSync(out) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) {
  process.stderr.write(`${out}: up to date (same bundle, Node and build script)\n`);
  process.exit(0);
}
rmSync(keyFile, { force: true });
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
// Written last: an interrupted build leaves no key, so the next run builds again.
writeFileSync(keyFile, key);
process.stderr.write(`${out}: ${(statSync(out).size / 2 ** 20).toFixed(0)} MB\n`);
