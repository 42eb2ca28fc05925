// Floor of the per-command cost: N commands `bash -c true`, each with two events (command.started synced
// before the command starts; command.finished shares the next one's sync), started either by execa from Node
// or by the project's own launcher (src/adapters/launcher-script.ts, the same program `run` uses). No
// redaction, rendering, session, output capture beyond draining the pipes.
import { spawn } from 'node:child_process';
import { createReadStream, fdatasyncSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { LAUNCHER_PL } from '../../src/adapters/launcher-script.ts';

const [how, n, dir] = process.argv.slice(-3);
const fd = openSync(join(dir, `floor-${process.pid}.jsonl`), 'wx');
let prev = '';
const emit = (event, sync) => {
  const line = `${JSON.stringify({ prev, ts: new Date().toISOString(), ...event })}\n`;
  prev = createHash('sha256').update(line).digest('hex');
  writeSync(fd, line);
  if (sync) fdatasyncSync(fd);
};

function launcher() {
  const fifos = mkdtempSync(join(tmpdir(), 'runbook-floor-'));
  const perl = spawn('perl', ['-e', LAUNCHER_PL, fifos], { stdio: ['pipe', 'pipe', 'ignore'], detached: true, env: {} });
  let buf = '';
  const waiting = [];
  const early = [];
  perl.stdout.setEncoding('latin1').on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.findIndex((x) => line.startsWith(x.prefix));
      if (w >= 0) waiting.splice(w, 1)[0].resolve(line);
      else early.push(line);
    }
  });
  const reply = (prefix) => {
    const j = early.findIndex((l) => l.startsWith(prefix));
    return j >= 0 ? Promise.resolve(early.splice(j, 1)[0]) : new Promise((resolve) => waiting.push({ prefix, resolve }));
  };
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  const drain = (p) => new Promise((resolve) => createReadStream(p).on('data', () => {}).on('end', resolve).on('error', resolve));
  return {
    ready: reply('H'),
    async run(id, argv) {
      await reply(`F ${id}`);
      const out = [drain(join(fifos, `${id}.1`)), drain(join(fifos, `${id}.2`))];
      const body = Buffer.from(['R', String(id), process.cwd(), '0', String(argv.length), ...argv, ...env].join('\0'));
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length);
      perl.stdin.write(Buffer.concat([head, body]));
      const ended = await reply(`X ${id} `);
      await Promise.all(out);
      return Number(ended.split(' ')[2]);
    },
    close: () => perl.stdin.end(),
  };
}

// No top-level await: bundled as CommonJS.
(async () => {
  const l = how === 'launcher' ? launcher() : null;
  await l?.ready;
  emit({ type: 'run.started' }, true);
  for (let id = 1; id <= Number(n); id++) {
    emit({ type: 'command.started', id }, true);
    const status = l
      ? await l.run(id, ['/bin/bash', '-c', 'true'])
      : (await execa('/bin/bash', ['-c', 'true'], { stdin: 'ignore', buffer: false, reject: false, detached: true })).exitCode;
    emit({ type: 'command.finished', id, status }, false);
  }
  emit({ type: 'run.finished' }, true);
  l?.close();
})();
