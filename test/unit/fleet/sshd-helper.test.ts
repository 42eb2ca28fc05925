// The fleet tests' sshd helper takes a port only when that port answers with its own server: a free port can be
// taken by another server between the check and sshd's bind (under load a fleet test once ran web2's command
// on web1, whose sshd held web2's port). listening() tells the two apart by the identification line.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { listening } from '../../helpers/sshd.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A TCP server on a free port that greets like an sshd with `line`. */
async function greeter(line: string): Promise<number> {
  const s = createServer((c) => c.end(`${line}\r\n`));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}
const running = { exitCode: null };
const log = () => '';

describe('the sshd helper: whose server answers on the port', () => {
  it('its own banner: ok', async () => {
    const port = await greeter('SSH-2.0-OpenSSH_9.2p1 Debian-2 runbook-test-a-web2');
    expect(await listening(port, running, log, Date.now() + 10_000, 'runbook-test-a-web2')).toBe('ok');
  });

  it("another server's banner (another host of the fleet, or another fleet): taken, so a new port is chosen", async () => {
    const port = await greeter('SSH-2.0-OpenSSH_9.2p1 Debian-2 runbook-test-a-web1');
    expect(await listening(port, running, log, Date.now() + 10_000, 'runbook-test-a-web2')).toBe('taken');
    const other = await greeter('SSH-2.0-OpenSSH_9.2p1 Debian-2 runbook-test-b-web2');
    expect(await listening(other, running, log, Date.now() + 10_000, 'runbook-test-a-web2')).toBe('taken');
  });

  it('its sshd has exited (it could not bind): taken', async () => {
    const port = await greeter('SSH-2.0-OpenSSH_9.2p1 Debian-2 runbook-test-a-web2');
    expect(await listening(port, { exitCode: 255 }, log, Date.now() + 10_000, 'runbook-test-a-web2')).toBe('taken');
  });
});
