// `runbook mcp` measurements (issue #18), appended to bench/run.js's list:
//   mcp-init         time until the answer to `initialize` vs `node -e 0` (target ≤ 1.5×)
//   mcp-list-5000    list_runbooks over 5,000 runbooks (the call, in a started server) vs `list --json` (the process)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { writeLibrary } from './fixtures.js';

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } };

/** Start `runbook mcp`; `request` sends one message and resolves with its answer and the ms it took. */
function session(node, bin, env, cwd) {
  const t0 = process.hrtime.bigint();
  const child = spawn(node, [bin, 'mcp'], { cwd, env, stdio: ['pipe', 'pipe', 'ignore'] });
  // Chunks are kept until a newline arrives and only the new chunk is searched: appending to one string and
  // searching it whole on every 64 KiB chunk made the client itself take ~1 s for a 4 MB answer.
  let parts = [];
  const waiting = new Map();
  child.stdout.on('data', (d) => {
    let start = 0;
    for (let nl = d.indexOf(10); nl >= 0; nl = d.indexOf(10, start)) {
      parts.push(d.subarray(start, nl));
      const msg = JSON.parse(Buffer.concat(parts).toString());
      parts = [];
      start = nl + 1;
      waiting.get(msg.id)?.(msg);
    }
    if (start < d.length) parts.push(d.subarray(start));
  });
  const done = new Promise((r) => child.on('close', r));
  return {
    startedAt: t0,
    request(msg) {
      const start = process.hrtime.bigint();
      return new Promise((resolve) => {
        waiting.set(msg.id, (answer) => resolve({ answer, ms: Number(process.hrtime.bigint() - start) / 1e6, sinceSpawnMs: Number(process.hrtime.bigint() - t0) / 1e6 }));
        child.stdin.write(`${JSON.stringify(msg)}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await done;
    },
  };
}

/** Measurement objects for run.js: `h` is its helpers and settings. */
export function mcpMeasurements(h) {
  const { NODE, BIN, baseEnv, emptyCwd, work, interleave, ratioRow, check, runbook, nodeE0, STARTUP_RUNS, RUNS, log } = h;
  return [
    {
      key: 'mcp-init',
      async run() {
        log('runbook mcp: answer to initialize vs node -e 0');
        const init = async () => {
          const s = session(NODE, BIN, baseEnv, emptyCwd);
          const r = await s.request(INIT);
          if (r.answer.result?.serverInfo?.name !== 'runbook') throw new Error(`initialize answered ${JSON.stringify(r.answer).slice(0, 300)}`);
          await s.close();
          return { ms: r.sinceSpawnMs, code: 0 };
        };
        const [a, b] = await interleave([init, nodeE0], { runs: STARTUP_RUNS, label: 'mcp init' });
        ratioRow('`runbook mcp`: answer to `initialize` (from spawn) vs `node -e 0`', 'mcp-init', a, b, 1.5, STARTUP_RUNS);
      },
    },
    {
      key: 'mcp-list-5000',
      async run() {
        log('runbook mcp: list_runbooks over 5,000 runbooks vs list --json (generating them)');
        const dir = join(work, 'mcp-lib5k');
        writeLibrary(dir, 5000);
        // Files changed in the last two seconds are never cached (src/runbook/listing.ts): let them age.
        await new Promise((r) => setTimeout(r, 2500));
        const env = { ...baseEnv, RUNBOOK_PATH: dir };
        const cli = () => runbook(['list', '--json'], { env });
        const call = async () => {
          const s = session(NODE, BIN, env, emptyCwd);
          await s.request(INIT);
          // The server's modules load right after initialize is answered: a ping waits for them, as a client's
          // first request would; the call is then measured on a server ready to serve.
          await s.request({ jsonrpc: '2.0', id: 9, method: 'ping' });
          const r = await s.request({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_runbooks', arguments: {} } });
          const n = r.answer.result?.structuredContent?.runbooks?.filter((x) => x.path.startsWith(dir)).length;
          if (n !== 5000) throw new Error(`list_runbooks listed ${n} of 5000: ${JSON.stringify(r.answer).slice(0, 300)}`);
          await s.close();
          return { ms: r.ms, code: 0 };
        };
        check('list --json', await cli());
        const [a, b] = await interleave([call, cli], { runs: RUNS, label: 'mcp list 5000' });
        b.forEach((x) => check('list --json', x));
        ratioRow('`runbook mcp` `list_runbooks` over 5,000 runbooks (the call) vs `list --json` (the process)', 'mcp-list-5000', a, b, 1.0, RUNS);
      },
    },
  ];
}
