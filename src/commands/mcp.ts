// `runbook mcp`: the Model Context Protocol over stdio (stdout is the protocol; every log goes to stderr).
// Start-up: Node starts in ~40 ms, loading the MCP SDK and zod takes ~120 ms more. So this front reads stdin
// itself, answers `initialize` at once (src/mcp/hello.ts) and only then loads the server (src/mcp/server.ts),
// which is handed every line, the initialize request included, so its state is the SDK's own (docs/mcp.md).
import type { GlobalOptions } from '../cli.js';
import type { Io } from '../io.js';
import { ExitCode } from '../errors.js';
import { asInitialize, initializeResponse } from '../mcp/hello.js';
import { LineSplitter, MAX_MESSAGE_BYTES, type LineItem, type Wire } from '../mcp/lines.js';

export type McpOptions = GlobalOptions;

export async function mcp(o: McpOptions, io: Io): Promise<number> {
  const splitter = new LineSplitter();
  const queue: LineItem[] = [];
  let deliver: ((item: LineItem) => void) | null = null;
  let first = true;
  let started!: () => void;
  const firstLine = new Promise<void>((r) => (started = r));
  let gone = false;
  let ended!: () => void;
  const closed = new Promise<void>((r) => (ended = r));

  const wire: Wire = {
    write(message) {
      if (!gone) io.stdout.write(`${JSON.stringify(message)}\n`);
    },
    answered: undefined,
  };
  // The client went away (its end of stdout closed): nothing more can be said; the session ends.
  io.stdout.on('error', () => {
    gone = true;
    ended();
  });
  closed.then(started, started);

  const onItem = (item: LineItem): void => {
    if (first && item.kind === 'line') {
      first = false;
      const init = asInitialize(item.text);
      if (init) {
        wire.answered = init.id;
        wire.write(initializeResponse(init));
      }
    }
    started();
    if (item.kind === 'oversized') {
      wire.write({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `message of ${item.bytes} bytes is over the limit of ${MAX_MESSAGE_BYTES} bytes: ignored` } });
      return;
    }
    if (deliver) deliver(item);
    else queue.push(item);
  };
  io.stdin.on('data', (chunk: Buffer | string) => {
    for (const item of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) onItem(item);
  });
  io.stdin.on('end', () => ended());
  io.stdin.on('close', () => ended());
  io.stdin.on('error', () => ended());

  // The server is loaded once the first message is answered: loading it blocks this thread for a while.
  await firstLine;
  const { startServer } = await import('../mcp/server.js');
  const server = await startServer({ dirs: o.dirs, env: io.env, cwd: io.cwd, log: (line) => io.stderr.write(`runbook mcp: ${line}\n`) }, wire);
  for (const item of queue.splice(0)) server.receive(item);
  deliver = (item) => server.receive(item);
  await closed;
  // stdin ended: requests already read are answered, unless the client is gone (stdout closed).
  await server.close(!gone);
  return ExitCode.ok;
}
