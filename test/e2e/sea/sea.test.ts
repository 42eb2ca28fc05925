// `npm run build:sea`: the single executable runs on a host without Node. The test runs the build script, which
// reuses build/runbook when its inputs are unchanged (keyed by the bundle's hash, the Node binary and the
// script: scripts/build-sea.mjs) and otherwise builds it (6 s here, 720 MB at its peak: postject rewrites a ~100 MB binary);
// when it cannot build, the test fails (never skips).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/run-cli.js';

const SEA = join(ROOT, 'build', 'runbook');

let work: string;
let env: NodeJS.ProcessEnv;
const sea = (args: string[]) => spawnSync(SEA, args, { cwd: work, env, encoding: 'utf8', timeout: 60_000 });

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-sea.mjs')], { cwd: ROOT, stdio: 'pipe', timeout: 280_000 });
  work = mkdtempSync(join(tmpdir(), 'runbook-sea-'));
  // A PATH with the system's tools but no node, npm or npx.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (/^(node|nodejs|npm|npx|corepack)$/.test(name) || existsSync(join(bin, name))) continue;
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
  env = { PATH: bin, HOME: work, XDG_CACHE_HOME: join(work, 'cache'), RUNBOOK_TIMELINE_DIR: join(work, 'incidents'), NO_COLOR: '1', LANG: 'C.UTF-8' };
}, 300_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the single executable (build:sea), with no node on PATH', () => {
  it('PATH really has no node', () => {
    expect(spawnSync('sh', ['-c', 'command -v node'], { env, encoding: 'utf8' }).status).not.toBe(0);
  });

  it('--version prints the package version', () => {
    const r = sea(['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('list shows the runbooks shipped inside it', () => {
    const r = sea(['list', '--json']);
    expect(r.status).toBe(0);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['getting-started', 'system-snapshot', 'disk-full']));
    expect(ids).toHaveLength(readdirSync(join(ROOT, 'runbooks')).filter((f) => f.endsWith('.md')).length);
  });

  it('run --yes of a bundled runbook writes a timeline that replay reads back', () => {
    const run = sea(['run', 'system-snapshot', '--yes', '--var', `out_dir=${work}`]);
    expect(run.stderr).not.toContain('internal error');
    expect(run.status).toBe(0);
    const timelines = readdirSync(join(work, 'incidents')).filter((f) => f.endsWith('.jsonl'));
    expect(timelines).toHaveLength(1);
    const replay = sea(['replay', '--instant', join(work, 'incidents', timelines[0] as string)]);
    expect(replay.status).toBe(0);
    expect(replay.stdout).toContain('system-snapshot');
    expect(replay.stdout).toMatch(/2 done/);
  });
});
