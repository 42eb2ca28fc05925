// The registry's folders: this user's own (made 0700, never a link or another user's), and entries that name
// a runner that is gone skipped and removed.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listLive, privateLiveDir, registerLive, sharedLiveDir } from '../../../src/timeline/registry.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function runtimeDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'runbook-registry-'));
  dirs.push(d);
  return d;
}
const entry = { timeline: '/srv/incidents/x.jsonl', incident: 'x', runbook: 'disk-full', actor: 'alice' };

describe('live registry', () => {
  it('lives under $XDG_RUNTIME_DIR, else /tmp/runbook-$UID; the shared folder only when RUNBOOK_SHARED asks', () => {
    expect(privateLiveDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/runbook/live');
    expect(privateLiveDir({})).toBe(`/tmp/runbook-${process.getuid?.() ?? 0}/live`);
    expect(sharedLiveDir({})).toBeNull();
    expect(sharedLiveDir({ RUNBOOK_SHARED: '1' })).toBe('/run/runbook/live');
    expect(sharedLiveDir({ RUNBOOK_SHARED: '/srv/oncall/live' })).toBe('/srv/oncall/live');
  });

  it('registers in a folder it makes 0700, lists the live run, and forgets it on remove', async () => {
    const env = { XDG_RUNTIME_DIR: join(runtimeDir(), 'run') };
    const reg = await registerLive(env, entry);
    expect(reg.problems).toEqual([]);
    expect(statSync(privateLiveDir(env)).mode & 0o777).toBe(0o700);
    expect(statSync(join(privateLiveDir(env), '..')).mode & 0o777).toBe(0o700);
    expect(await listLive(env)).toEqual([expect.objectContaining({ ...entry, pid: process.pid, host: hostname() })]);
    await reg.remove();
    expect(await listLive(env)).toEqual([]);
  });

  it('refuses a folder that is a symbolic link or belongs to another user, and writes nothing there', async () => {
    const root = runtimeDir();
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(root, 'runbook'));
    const linked = await registerLive({ XDG_RUNTIME_DIR: root }, entry);
    expect(linked.problems).toEqual([expect.stringMatching(/runbook is a symbolic link/)]);
    expect(readdirSync(elsewhere)).toEqual([]);

    if (process.getuid?.() !== 0) throw new Error('chown to another user needs root (CI runs as root)');
    const theirs = runtimeDir();
    mkdirSync(join(theirs, 'runbook'), { mode: 0o777 });
    chmodSync(join(theirs, 'runbook'), 0o777);
    chownSync(join(theirs, 'runbook'), 65534, 65534);
    const foreign = await registerLive({ XDG_RUNTIME_DIR: theirs }, entry);
    expect(foreign.problems).toEqual([expect.stringMatching(/belongs to another user \(uid 65534\)/)]);
    expect(readdirSync(join(theirs, 'runbook'))).toEqual([]);
  });

  it('skips and removes entries whose runner is gone or whose pid was reused; keeps another host’s', async () => {
    const env = { XDG_RUNTIME_DIR: join(runtimeDir(), 'run') };
    const reg = await registerLive(env, entry);
    const dir = privateLiveDir(env);
    const write = (name: string, o: object): void => writeFileSync(join(dir, name), JSON.stringify({ timeline: `/t/${name}.jsonl`, ...o }));
    write('gone.json', { pid: 2 ** 22 + 7, start: '1', host: hostname() });
    write('reused.json', { pid: process.pid, start: '1', host: hostname() });
    write('other-host.json', { pid: 1, start: '1', host: `${hostname()}-not` });
    writeFileSync(join(dir, 'garbage.json'), '{');
    // Planted by another user, naming a live process that is not theirs: not believed (and not theirs to remove).
    write('planted.json', { pid: process.pid, start: null, host: hostname() });
    if (process.getuid?.() !== 0) throw new Error('chown to another user needs root (CI runs as root)');
    chownSync(join(dir, 'planted.json'), 65534, 65534);
    expect((await listLive(env)).map((e) => e.timeline)).toEqual([entry.timeline]);
    expect(readdirSync(dir).sort()).toEqual([...reg.paths.map((p) => p.slice(dir.length + 1)), 'other-host.json', 'planted.json'].sort());
    await reg.remove();
  });
});
