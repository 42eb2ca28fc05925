// `runbook gameday` end to end, as root: each bundled scenario with --yes and a scripted responder (run --yes of
// its runbook), a fleet scenario on two hosts of a test sshd, every way a game ends (mitigated, SIGTERM, SIGHUP,
// SIGINT, two Ctrl-C on a terminal, kill -9 then --cleanup or the next game), and a revert that fails. After each game nothing of it may be left: no process, mount, namespace or
// journal entry. The games run side by side (one runtime folder each) to keep the suite's wall time small.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timelineFileName } from '../../../src/timeline/locate.js';
import { cleanup, cliEnv, python3Available, readEvents, runCli as runCliDefault, spawnCli, spawnPty, until, workDir } from '../../helpers/run-cli.js';
import { startSshd, type SshdFleet } from '../../helpers/sshd.js';
import { runInProcess } from '../../helpers/in-process.js';

// Games spawn games: on a loaded machine a CLI start alone can take seconds. Deadlines are generous; games end
// on their own conditions, never on these.
const LONG = 180_000;
const runCli: typeof runCliDefault = (args, opts) => runCliDefault(args, { timeoutMs: LONG, ...opts });

const used: { dir: string; rt: string }[] = [];

/** A work folder with its own game-day runtime folder (journal and game folders). */
function gameDir(): { dir: string; rt: string; env: NodeJS.ProcessEnv; write(name: string, text: string): string } {
  const w = workDir();
  const rt = join(w.dir, 'rt');
  used.push({ dir: w.dir, rt });
  return { dir: w.dir, rt, env: cliEnv(w.dir, { RUNBOOK_GAMEDAY_RUNTIME: rt }), write: w.write };
}

const netnsOf = (game: string): string => `gd-${createHash('sha256').update(game).digest('hex').slice(0, 8)}`;
const games = (dir: string): string[] => (existsSync(join(dir, 'gamedays')) ? readdirSync(join(dir, 'gamedays')).filter((f) => f.endsWith('.jsonl') && !f.endsWith('.responder.jsonl')).map((f) => f.replace(/\.jsonl$/, '')) : []);

/** What a game left on this machine: its processes (by the GAMEDAY_DIR they inherit), mounts, namespaces, journal. */
function leftovers(rt: string, game: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      // By the game's folder, not its id: games run side by side here, and two of one scenario started in the
      // same second share an id (each has its own runtime folder).
      if (env.includes(`GAMEDAY_DIR=${join(rt, game)}`) && state !== 'Z') found.push(`process ${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    } catch {
      // gone, or not ours to read
    }
  }
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) if (line.split(' ')[1]?.startsWith(join(rt, game))) found.push(`mount ${line}`);
  const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  for (const n of ns.split('\n')) if (n.startsWith(`${netnsOf(game)}-`)) found.push(`netns ${n}`);
  // A game's packet filter rules live in its namespaces; one on this host would have escaped them.
  const rules = spawnSync('nft', ['list', 'ruleset'], { encoding: 'utf8' }).stdout ?? '';
  if (rules.includes(netnsOf(game))) found.push('nft rule on this host');
  if (existsSync(join(rt, `${game}.json`))) found.push('journal entry');
  if (existsSync(join(rt, game))) found.push('game folder');
  return found;
}

/**
 * Nothing of the game left, once processes that were signalled have had a moment to die (on a loaded machine
 * a killed process may wait to be scheduled before it exits): what is still there after 5 s was left behind.
 */
async function nothingLeft(rt: string, game: string): Promise<string[]> {
  const end = Date.now() + 5000;
  let left = leftovers(rt, game);
  while (left.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    left = leftovers(rt, game);
  }
  return left;
}

// Two "hosts" (sshd on this machine, aliases web1 and web2; each sets RUNBOOK_TEST_HOST to its name) for the
// fleet scenarios: started once, by the first test that needs them; stopped after the cleanup below.
let sshd: Promise<SshdFleet> | undefined;
const fleetSshd = (): Promise<SshdFleet> => (sshd ??= startSshd(2));

/**
 * A fleet scenario and its responder's runbook in the work folder: the fault is a file per host
 * (`fault-<host>`, holding the name the host's sshd gave it) plus a file in that host's own $GAMEDAY_DIR.
 */
function fleetScenario(g: ReturnType<typeof gameDir>, id: string): void {
  const fault = (host: string): string => `"${g.dir}/fault-${host}"`;
  mkdirSync(join(g.dir, 'runbooks'));
  g.write(
    `${id}.md`,
    `---\nkind: scenario\nid: ${id}\ntitle: A fault on each host\ntarget: hosts\nhosts: targets\nduration: 1m\nrunbook: fleet-fix\n---\n# Fleet\n\n## Fault\n\n\`\`\`bash {inject}\necho "$RUNBOOK_TEST_HOST" > ${fault('$GAMEDAY_HOST')}\ntouch "$GAMEDAY_DIR/state"\necho "fault file on $RUNBOOK_TEST_HOST"\n\`\`\`\n\n## Revert\n\n\`\`\`bash {revert}\nrm -f ${fault('$GAMEDAY_HOST')}\n\`\`\`\n\n## Checks\n\n\`\`\`bash {detect}\n[ -e ${fault('$GAMEDAY_HOST')} ]\n\`\`\`\n\n\`\`\`bash {mitigated}\n[ ! -e ${fault('$GAMEDAY_HOST')} ]\n\`\`\`\n`,
  );
  g.write('runbooks/fleet-fix.md', `---\nid: fleet-fix\ntitle: Remove the fault\n---\n# Fix\n\n## Remove\n\n\`\`\`bash {on=targets danger=true}\nrm -f ${fault('$RUNBOOK_TEST_HOST')}\n\`\`\`\n`);
}

/** What a fleet game left on its "hosts": their fault files and work folders (/tmp/runbook-gameday-<game>-<random>-<host>). */
function fleetLeftovers(dir: string, game: string): string[] {
  const folders = readdirSync('/tmp').filter((f) => f.startsWith(`runbook-gameday-${game}-`)).map((f) => `folder of ${f.split('-').at(-1)}`);
  return [...['web1', 'web2'].filter((h) => existsSync(join(dir, `fault-${h}`))).map((h) => `fault-${h}`), ...folders.sort()];
}

afterAll(async () => {
  // Whatever a failed test left: revert through the journal, then by hand (processes, mounts, namespaces).
  for (const u of used) {
    const entries = existsSync(u.rt) ? readdirSync(u.rt).filter((f) => f.endsWith('.json')) : [];
    // A game still running after a failed test: stopped (by its pid, from its journal entry), then reverted.
    for (const f of entries) {
      const pid = (JSON.parse(readFileSync(join(u.rt, f), 'utf8')) as { pid?: number }).pid;
      if (typeof pid === 'number') spawnSync('kill', ['-KILL', String(pid)]);
    }
    if (entries.length > 0) spawnSync(process.execPath, [join(__dirname, '../../../bin/runbook.js'), 'gameday', '--cleanup'], { cwd: u.dir, env: cliEnv(u.dir, { RUNBOOK_GAMEDAY_RUNTIME: u.rt }), timeout: 20_000 });
    for (const game of games(u.dir)) {
      for (const what of leftovers(u.rt, game)) {
        const pid = /^process (\d+)/.exec(what)?.[1];
        if (pid) spawnSync('kill', ['-KILL', pid]);
        const mount = /^mount \S+ (\S+)/.exec(what)?.[1];
        if (mount) spawnSync('umount', ['-l', mount]);
        const ns = /^netns (\S+)/.exec(what)?.[1];
        if (ns) spawnSync('ip', ['netns', 'del', ns]);
      }
    }
  }
  cleanup();
  // Last: a fleet game's cleanup above reverts through these hosts.
  await (await sshd)?.stop();
}, LONG);

// Fast enough for a short test, slow enough that ten games polling side by side do not load the machine themselves.
const FAST = ['--poll', '1'];

/** A scenario whose fault is a file `fault-<game>` in the working folder; never mitigated. */
const scenario = (id: string): string =>
  `---\nkind: scenario\nid: ${id}\ntitle: ${id}\ntarget: local\nduration: 1m\nrunbook: getting-started\n---\n# ${id}\n\n## Fault\n\n\`\`\`bash {inject}\ntouch "fault-$GAMEDAY_ID"\n\`\`\`\n\n## Revert\n\n\`\`\`bash {revert}\nrm -f "fault-$GAMEDAY_ID"\n\`\`\`\n\n## Checks\n\n\`\`\`bash {detect}\ntrue\n\`\`\`\n\n\`\`\`bash {mitigated}\nfalse\n\`\`\`\n`;

function onlyGame(dir: string): { game: string; events: ReturnType<typeof readEvents> } {
  const g = games(dir);
  expect(g).toHaveLength(1);
  return { game: g[0]!, events: readEvents(join(dir, 'gamedays', `${g[0]}.jsonl`)) };
}

/** netem is a kernel module some sandboxes lack: probed in a namespace of the test's own. */
function netemAvailable(): boolean {
  const ns = `gd-probe-${process.pid}`;
  spawnSync('ip', ['netns', 'add', ns]);
  try {
    spawnSync('ip', ['-n', ns, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']);
    return spawnSync('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'p0', 'root', 'netem', 'delay', '1ms']).status === 0;
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

describe.concurrent('gameday, each bundled scenario with a scripted responder', { timeout: LONG }, () => {
  for (const scenario of ['disk-fill', 'cpu-io-stress', 'crash-loop']) {
    it(`${scenario}: injected, detected, the responder's runbook mitigates it, scored, reverted, nothing left`, async () => {
      const g = gameDir();
      const r = await runCli(['gameday', scenario, '--yes', '--auto-respond', ...FAST, '--duration', '150'], { cwd: g.dir, env: g.env, timeoutMs: LONG });
      expect(r.stderr).toContain('mitigated after');
      expect(r.code, r.stderr).toBe(0);
      const { game, events } = onlyGame(g.dir);
      const start = events[0] as Record<string, any>;
      expect(start).toMatchObject({ type: 'run.started', mode: 'gameday', runbook: { id: scenario } });
      // Injection is the impact; the checks' marks follow it, in order.
      expect(events.filter((e) => e.type === 'mark').map((e) => e.what)).toEqual(['impact', 'detected', 'mitigated']);
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
      // The responder's timeline is linked from the game's, and its run mitigated with the dangerous step approved.
      const responder = readEvents(join(g.dir, 'gamedays', start.game.responder_timeline));
      expect(responder[0]).toMatchObject({ type: 'run.started', mode: 'live', runbook: { id: start.game.responder_runbook } });
      expect(responder.some((e) => e.type === 'command.started' && e.danger === true)).toBe(true);
      expect(r.stderr).toMatch(/result\s+mitigated/);
      expect(r.stderr).toMatch(/time to detect\s+\d/);
      expect(r.stderr).toMatch(/time to mitigate\s+\d/);
      expect(r.stderr).toMatch(/dangerous approved\s+[1-9]/);
      expect(r.stderr).toMatch(/steps skipped\s+0/);
      expect(await nothingLeft(g.rt, game)).toEqual([]);
      if (scenario !== 'disk-fill') return;
      // The game's timeline reads like any other: replay, export, and the history of the scenario.
      // (replay and export in-process: they only read the file, and each is spawned in tests of its own.)
      const replay = await runInProcess(['replay', '--instant', join('gamedays', `${game}.jsonl`)], { cwd: g.dir, env: g.env });
      const json = await runInProcess(['export', join('gamedays', `${game}.jsonl`), '--format', 'json'], { cwd: g.dir, env: g.env });
      const history = await runCli(['gameday', '--history', 'disk-fill', '--json'], { cwd: g.dir, env: g.env });
      // And the HTML report: the game's mode beside its status, the inject and revert as commands.
      const html = await runInProcess(['export', join('gamedays', `${game}.jsonl`), '--format', 'html'], { cwd: g.dir, env: g.env });
      expect(html.code, html.stderr).toBe(0);
      expect(html.stdout).toContain('<span class="tag">gameday</span>');
      expect(html.stdout).toMatch(/data-id="[^"]+"/);
      expect(replay.code).toBe(0);
      expect(replay.stdout + replay.stderr).toMatch(/gameday/);
      // The inject and revert sections count as steps done.
      expect(replay.stdout + replay.stderr).toMatch(/2 done/);
      expect(JSON.parse(json.stdout)).toMatchObject({ mode: 'gameday' });
      const rows = JSON.parse(history.stdout) as Array<Record<string, unknown>>;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ scenario: 'disk-fill', status: 'completed', stepsSkipped: 0 });
      expect(rows[0]!.mitigateMs as number).toBeGreaterThan(rows[0]!.detectMs as number);
    });
  }

  it('packet-loss: 30% loss injected for real in namespaces made for the game (netem, else nftables), detected, mitigated by the responder, reverted, nothing left', async () => {
    const g = gameDir();
    const netem = netemAvailable();
    const r = await runCli(['gameday', 'packet-loss', '--yes', '--auto-respond', ...FAST, '--duration', '150'], { cwd: g.dir, env: g.env, timeoutMs: LONG });
    // The scenario says which mechanism it used; this machine's kernel decides which one the test sees.
    expect(r.stderr).toContain(netem ? 'inject: injected with tc netem' : 'injected with nftables: 30% of the packets leaving gd0 dropped');
    expect(r.stderr).toContain('mitigated after');
    expect(r.code, r.stderr).toBe(0);
    const { game, events } = onlyGame(g.dir);
    expect(events.filter((e) => e.type === 'mark').map((e) => e.what)).toEqual(['impact', 'detected', 'mitigated']);
    // The responder saw the impairment in place (so it was really injected), then its dangerous step removed it.
    const responder = readEvents(join(g.dir, 'gamedays', `${game}.responder.jsonl`));
    const output = responder.filter((e) => e.type === 'command.output').map((e) => String(e.data)).join('');
    expect(output).toContain(netem ? 'netem' : 'numgen random mod 100 < 30');
    expect(responder.some((e) => e.type === 'command.started' && e.danger === true)).toBe(true);
    expect(await nothingLeft(g.rt, game)).toEqual([]);
  });

  it('a fleet scenario (target: hosts) on two hosts over ssh: injected on both, mitigated by the responder there, reverted on both, nothing left', async () => {
    const g = gameDir();
    const fleet = await fleetSshd();
    fleetScenario(g, 'fleet');
    const r = await runCli(['gameday', 'fleet.md', '--on', 'web1,web2', '--ssh-config', fleet.config, '--yes', '--auto-respond', ...FAST, '--duration', '150'], { cwd: g.dir, env: g.env });
    // Each host's sshd names itself: the inject ran there, over ssh.
    expect(r.stderr).toContain('inject on web1: fault file on web1');
    expect(r.stderr).toContain('inject on web2: fault file on web2');
    expect(r.stderr).toContain('mitigated after');
    expect(r.code, r.stderr).toBe(0);
    const { game, events } = onlyGame(g.dir);
    expect(events.filter((e) => e.type === 'mark').map((e) => e.what)).toEqual(['impact', 'detected', 'mitigated']);
    expect(events.find((e) => e.type === 'command.started')).toMatchObject({ hosts: ['web1', 'web2'] });
    // The revert (the last block) finished on both hosts.
    const revertId = (events.filter((e) => e.type === 'command.started').at(-1) as Record<string, unknown>).id;
    expect(events.filter((e) => e.type === 'command.finished' && e.id === revertId).map((e) => [e.host, e.exit_code]).sort()).toEqual([['web1', 0], ['web2', 0]]);
    // The responder's run acted on the same hosts.
    const responder = readEvents(join(g.dir, 'gamedays', `${game}.responder.jsonl`));
    expect(responder.find((e) => e.type === 'targets.confirmed')).toMatchObject({ hosts: ['web1', 'web2'] });
    expect(fleetLeftovers(g.dir, game)).toEqual([]);
    expect(await nothingLeft(g.rt, game)).toEqual([]);
  });
});

describe.concurrent('gameday always reverts', { timeout: LONG }, () => {
  // SIGHUP takes SIGTERM's path: a scenario of the test's own (a file) keeps it cheap.
  for (const [signal, name] of [['SIGTERM', 'crash-loop'], ['SIGHUP', 'file.md'], ['SIGINT', 'disk-fill']] as const) {
    it(`${signal} during a game (${name}) reverts, records the game as aborted, exits 130`, async () => {
      const g = gameDir();
      g.write('file.md', scenario('file'));
      const p = spawnCli(['gameday', name, '--yes', '--split', ...FAST, '--duration', '150'], { cwd: g.dir, env: g.env, timeoutMs: LONG });
      await until(() => p.stderr().includes('run this in a second terminal'), LONG, 'the page');
      const { game } = onlyGame(g.dir);
      expect(leftovers(g.rt, game)).not.toEqual([]); // the fault is in place
      p.child.kill(signal);
      const r = await p.done;
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('reverting');
      expect(onlyGame(g.dir).events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
      expect(await nothingLeft(g.rt, game)).toEqual([]);
    });
  }

  it('kill -9 of the game leaves the fault and its journal; gameday --cleanup reverts it and notes it in the game timeline', async () => {
    const g = gameDir();
    const p = spawnCli(['gameday', 'disk-fill', '--yes', '--split', ...FAST, '--duration', '150'], { cwd: g.dir, env: g.env, timeoutMs: LONG });
    await until(() => p.stderr().includes('detected after'), LONG, 'detection');
    p.child.kill('SIGKILL');
    await p.done;
    const { game } = onlyGame(g.dir);
    const left = leftovers(g.rt, game);
    expect(left).toContain('journal entry');
    expect(left.some((l) => l.startsWith('mount '))).toBe(true);
    const c = await runCli(['gameday', '--cleanup'], { cwd: g.dir, env: g.env });
    expect(c.stderr).toContain(`reverting what game ${game}`);
    expect(c.stderr).toContain('1 game reverted, 0 failed');
    expect(c.code).toBe(0);
    expect(await nothingLeft(g.rt, game)).toEqual([]);
    expect(onlyGame(g.dir).events.some((e) => e.type === 'note' && String(e.text).includes('reverted by gameday --cleanup'))).toBe(true);
  });

  it('kill -9 of a fleet game: --cleanup reverts on its hosts over ssh, with the ssh_config the game used', async () => {
    const g = gameDir();
    const fleet = await fleetSshd();
    fleetScenario(g, 'fleet-crash');
    const p = spawnCli(['gameday', 'fleet-crash.md', '--on', 'web1,web2', '--ssh-config', fleet.config, '--yes', '--split', ...FAST, '--duration', '150'], { cwd: g.dir, env: g.env, timeoutMs: LONG });
    await until(() => p.stderr().includes('detected after'), LONG, 'detection');
    p.child.kill('SIGKILL');
    await p.done;
    const { game } = onlyGame(g.dir);
    expect(fleetLeftovers(g.dir, game)).toEqual(['fault-web1', 'fault-web2', 'folder of web1', 'folder of web2']);
    const entry = JSON.parse(readFileSync(join(g.rt, `${game}.json`), 'utf8')) as { sshControlDir: string };
    expect(entry).toMatchObject({ hosts: [{ target: { name: 'web1' } }, { target: { name: 'web2' } }], sshConfig: fleet.config });
    // The crashed game's ssh master connections are still up (ControlPersist).
    const masters = (): string[] => readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && (() => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(entry.sshControlDir); } catch { return false; } })());
    expect(masters()).not.toEqual([]);
    // No --ssh-config here: the journal says how to reach the hosts.
    const c = await runCli(['gameday', '--cleanup'], { cwd: g.dir, env: g.env });
    expect(c.stderr).toContain(`reverting what game ${game} (scenario fleet-crash, pid ${p.child.pid}) left on web1, web2`);
    expect(c.stderr).toContain('1 game reverted, 0 failed');
    expect(c.code).toBe(0);
    expect(fleetLeftovers(g.dir, game)).toEqual([]);
    await until(() => masters().length === 0, LONG, "the crashed game's ssh masters to end");
    expect(existsSync(entry.sshControlDir)).toBe(false);
    expect(await nothingLeft(g.rt, game)).toEqual([]);
  });

  // On a terminal, in the concurrent block: a pty of its own, nothing shared with the other games.
  it("Ctrl-C: the first is the responder's (its command stops, the game goes on), a second within 5 s ends the game and reverts (exit 130)", async () => {
    python3Available();
    const g = gameDir();
    // A responder's command that runs until stopped, found by its unique argument.
    const sleep = `${600 + (process.pid % 100)}.${Date.now() % 1000}`;
    const sleeping = (): string[] => readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && (() => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${sleep}\0`; } catch { return false; } })());
    mkdirSync(join(g.dir, 'runbooks'));
    g.write('runbooks/slow.md', `# Slow\n\n## Wait\n\n\`\`\`sh\nsleep ${sleep}\n\`\`\`\n`);
    g.write('cc.md', scenario('cc').replace('runbook: getting-started', 'runbook: slow'));
    const t = spawnPty(['gameday', 'cc.md', '--yes', ...FAST, '--duration', '60'], { cwd: g.dir, env: g.env, timeoutMs: LONG });
    let at = await t.waitFor('Run 1.1?', { timeoutMs: LONG });
    t.type('r\r');
    await until(() => sleeping().length > 0, LONG, "the responder's command to start");
    t.type('\x03');
    at = await t.waitFor('Ctrl-C again within 5 s ends the game', { from: at, timeoutMs: LONG });
    // The responder's run got it: its command stopped, and it asks what now, as any run does.
    at = await t.waitFor(/1\.1 failed\. What now\?/, { from: at, timeoutMs: LONG });
    const { game } = onlyGame(g.dir);
    expect(onlyGame(g.dir).events.some((e) => e.type === 'run.finished')).toBe(false); // the game goes on
    t.type('\x03');
    const exit = await t.done;
    expect(exit.code).toBe(130);
    expect(t.screen().slice(at)).toContain('reverting');
    expect(onlyGame(g.dir).events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
    expect(readEvents(join(g.dir, 'gamedays', `${game}.responder.jsonl`)).find((e) => e.type === 'command.finished' && e.id === '1.1')).toMatchObject({ interrupted: true });
    expect(sleeping()).toEqual([]);
    expect(readdirSync(g.dir).filter((f) => f.startsWith('fault-'))).toEqual([]);
    expect(await nothingLeft(g.rt, game)).toEqual([]);
  });

  it('a revert that fails is reported loudly, kept in the journal, refused by the next game and retried by --cleanup; once it works, the next game reverts it first', async () => {
    const g = gameDir();
    g.write(
      'flaky.md',
      `---\nkind: scenario\nid: flaky\ntitle: Flaky revert\ntarget: local\nduration: 1m\nrunbook: getting-started\n---\n# Flaky\n\n## Fault\n\n\`\`\`bash {inject}\ntouch "fault-$GAMEDAY_ID"\n\`\`\`\n\n## Revert\n\n\`\`\`bash {revert}\n[ -e revert-ok ] || { echo "umount: target is busy" >&2; exit 1; }\nrm -f "fault-$GAMEDAY_ID"\n\`\`\`\n`,
    );
    const r = await runCli(['gameday', 'flaky.md', '--yes', '--split', ...FAST, '--duration', '0.5'], { cwd: g.dir, env: g.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('THE REVERT FAILED');
    const { game, events } = onlyGame(g.dir);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' });
    expect(existsSync(join(g.dir, `fault-${game}`))).toBe(true);
    expect(JSON.parse(readFileSync(join(g.rt, `${game}.json`), 'utf8'))).toMatchObject({ game, failedReverts: 1 });
    const refused = await runCli(['gameday', 'flaky.md', '--yes', '--split', '--duration', '0.5'], { cwd: g.dir, env: g.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("a previous game's revert failed");
    expect(games(g.dir)).toHaveLength(1); // nothing was injected
    const again = await runCli(['gameday', '--cleanup'], { cwd: g.dir, env: g.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/FAILED \(3 tries\)/);
    writeFileSync(join(g.dir, 'revert-ok'), '');
    const next = await runCli(['gameday', 'flaky.md', '--yes', '--split', ...FAST, '--duration', '0.5'], { cwd: g.dir, env: g.env });
    expect(next.stderr).toContain(`reverting what game ${game}`);
    expect(next.stderr.indexOf(`reverting what game ${game}`)).toBeLessThan(next.stderr.indexOf('injecting'));
    expect(next.code).toBe(1); // this game itself: not mitigated in its half second
    expect(readdirSync(g.dir).filter((f) => f.startsWith('fault-'))).toEqual([]);
    for (const game of games(g.dir)) expect(await nothingLeft(g.rt, game)).toEqual([]);
  });
});

describe('two games with one id', { timeout: LONG }, () => {
  it('a game whose folder is already taken on this machine (same scenario, same second, another project) is refused before anything is injected', async () => {
    const g = gameDir();
    g.write('file.md', scenario('file'));
    mkdirSync(g.rt, { recursive: true, mode: 0o700 });
    // The folders the game could be given in the next minute: each as if another project's game had it.
    const now = Date.now();
    for (let k = 0; k < 60; k++) mkdirSync(join(g.rt, timelineFileName(new Date(now + k * 1000), 'file').replace(/\.jsonl$/, '')));
    const r = await runCli(['gameday', 'file.md', '--yes', '--split', ...FAST, '--duration', '30'], { cwd: g.dir, env: g.env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/another game of file started this same second on this machine/);
    expect(games(g.dir)).toEqual([]);
    expect(readdirSync(g.dir).filter((f) => f.startsWith('fault-'))).toEqual([]);
  });
});

describe('gameday on a terminal', { timeout: LONG }, () => {
  it('shows the plan and starts only when the scenario id is typed', async () => {
    python3Available();
    const g = gameDir();
    g.write('typed.md', scenario('typed'));
    const wrong = spawnPty(['gameday', 'typed.md', '--split', '--duration', '1'], { cwd: g.dir, env: g.env, timeoutMs: LONG });
    let at = await wrong.waitFor('revert plan', { timeoutMs: LONG });
    at = await wrong.waitFor('Type "typed"', { from: at, timeoutMs: LONG });
    wrong.type('typo\r');
    expect((await wrong.done).code).toBe(130);
    expect(wrong.screen()).toContain('not started');
    expect(games(g.dir)).toEqual([]);
    const right = spawnPty(['gameday', 'typed.md', '--split', '--duration', '1', '--poll', '0.5'], { cwd: g.dir, env: g.env, timeoutMs: LONG });
    await right.waitFor('Type "typed"', { timeoutMs: LONG });
    right.type('typed\r');
    expect((await right.done).code).toBe(1); // not mitigated within its second
    expect(right.screen()).toMatch(/rm -f "fault-\$GAMEDAY_ID"/); // the revert plan, word for word
    const [game] = games(g.dir);
    expect(readEvents(join(g.dir, 'gamedays', `${game}.jsonl`)).filter((e) => e.type === 'mark').map((e) => e.what)).toEqual(['impact', 'detected']);
    expect(readdirSync(g.dir).filter((f) => f.startsWith('fault-'))).toEqual([]);
    expect(await nothingLeft(g.rt, game!)).toEqual([]);
  });
});
