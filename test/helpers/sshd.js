// Real OpenSSH servers for the fleet tests: N sshd on 127.0.0.1 (free ports), generated host and user keys,
// and an ssh_config with aliases web1..webN plus `down` (a closed port). Fails loudly when sshd cannot start.
// Plain JavaScript: the fleet tests and bench/fleet.js both use it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

/**
 * @typedef {object} SshdFleet
 * @property {string} dir
 * @property {string} config the ssh_config to pass with `-F` / --ssh-config / RUNBOOK_SSH_CONFIG
 * @property {string[]} hosts web1..webN
 * @property {number[]} ports
 * @property {string} down an alias whose port nothing listens on
 * @property {() => Promise<void>} stop
 */

/** @returns {Promise<number>} */
async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = /** @type {{ port: number }} */ (s.address()).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Wait until this sshd answers on its port: the identification line must carry its own `banner`
 * (VersionAddendum). A port is chosen free and then handed to sshd, so another server can take it in between
 * (another host of this fleet, or a fleet of a test file running beside): the port then answers, but with
 * another server's line, and this sshd exits unable to bind. Without the check, the alias pointed at the
 * other server and its commands ran there (a fleet test once saw web2 run as web1 under load).
 * @returns {Promise<'ok' | 'taken'>}
 */
export async function listening(port, child, log, deadline, banner) {
  for (;;) {
    if (child.exitCode !== null) return 'taken';
    const line = await new Promise((resolve) => {
      const c = connect(port, '127.0.0.1');
      let got = '';
      c.setEncoding('latin1');
      c.on('data', (d) => {
        got += d;
        if (got.includes('\n')) c.destroy();
      });
      c.once('error', () => resolve(null));
      c.once('close', () => resolve(got.includes('\n') ? got.slice(0, got.indexOf('\n')) : null));
    });
    if (line !== null && line.includes(banner)) return 'ok';
    if (line !== null) return 'taken';
    if (Date.now() > deadline) throw new Error(`sshd on port ${port} did not listen within 60 s: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** @param {number} count @returns {Promise<SshdFleet>} */
export async function startSshd(count) {
  try {
    execFileSync(SSHD, ['-V'], { stdio: 'ignore' });
  } catch (err) {
    // sshd -V exits non-zero on some versions after printing; only a missing binary is fatal.
    if (err && err.code === 'ENOENT') throw new Error(`${SSHD} is missing: install openssh-server (see .ci/run); the fleet tests need real sshd`);
  }
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'rb-sshd-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')), { mode: 0o600 });
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  const user = userInfo().username;
  const ports = [];
  const children = [];
  const known = [];
  const aliases = [];
  const deadline = Date.now() + 60_000;
  // One server: a free port, its config, sshd started and answering with its own banner; a port another
  // server took in between is given up for a new one.
  const startOne = async (i) => {
    const banner = `runbook-test-${dir.split('/').pop()}-web${i}`;
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const cfg = join(dir, `sshd_${i}.conf`);
      writeFileSync(
        cfg,
        [
          `Port ${port}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${join(dir, 'host_key')}`,
          `PidFile ${join(dir, `sshd_${i}.pid`)}`,
          `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
          'PermitRootLogin prohibit-password',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'StrictModes no',
          'MaxStartups 200',
          'MaxSessions 50',
          // The default post-quantum key exchange (sntrup761) costs ~90 ms of CPU per connection on this machine,
          // and the fleet tests make about a hundred: what is tested is runbook, not the handshake.
          'KexAlgorithms curve25519-sha256',
          // Every server is this machine: the variable tells a command which "host" it runs on. SHLVL=1: bash
          // reads ~/.bashrc when started by sshd at shell level 1, and a developer's rc (pyenv init…) costs
          // seconds per command, which would time the test machine, not runbook.
          `SetEnv RUNBOOK_TEST_HOST=web${i} SHLVL=1`,
          // Sent in its identification line: how listening() knows the port answers with this very server.
          `VersionAddendum ${banner}`,
          'LogLevel ERROR',
          '',
        ].join('\n'),
      );
      let log = '';
      const child = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d) => (log = (log + d.toString()).slice(-2000)));
      children.push(child);
      if ((await listening(port, child, () => log, deadline, banner)) === 'ok') return port;
      child.kill('SIGKILL');
      if (attempt === 5) throw new Error(`sshd web${i}: five free ports were each taken by another server before it could listen: ${log}`);
    }
  };
  try {
    const started = await Promise.all(Array.from({ length: count }, (_, k) => startOne(k + 1)));
    started.forEach((port, k) => {
      ports.push(port);
      known.push(`[127.0.0.1]:${port} ${hostPub}`);
      aliases.push(`Host web${k + 1}\n  HostName 127.0.0.1\n  Port ${port}\n`);
    });
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const closed = await freePort();
  writeFileSync(join(dir, 'known_hosts'), `${known.join('\n')}\n`);
  const config = join(dir, 'ssh_config');
  writeFileSync(
    config,
    [
      ...aliases,
      `Host down\n  HostName 127.0.0.1\n  Port ${closed}\n`,
      'Host *',
      `  User ${user}`,
      `  IdentityFile ${join(dir, 'id_ed25519')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      // Generous: on a loaded CI machine a handshake can take seconds; `down` is refused at once anyway.
      '  ConnectTimeout 60',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  return {
    dir,
    config,
    hosts: aliases.map((_, i) => `web${i + 1}`),
    ports,
    down: 'down',
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
