// The MCP server of `runbook mcp`, loaded by src/commands/mcp.ts once `initialize` is answered: the SDK's
// McpServer with the tools and resources (src/mcp/tools.ts), fed line by line from the front.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, JSONRPCMessageSchema, McpError, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CAPABILITIES, INSTRUCTIONS, SERVER_INFO } from './hello.js';
import type { LineItem, Wire } from './lines.js';
import { aiActor, type McpContext, type Spawner } from './context.js';
import { registerAll } from './tools.js';

export interface ServerOptions {
  dirs: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  log(line: string): void;
  /** Tests inject a recorder; by default system_snapshot's fixed commands run through execa. */
  spawn?: Spawner;
}

/** The SDK's Transport over the front's lines: parse and check each message, drop the second answer to initialize. */
class WireTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private droppedInit = false;
  /** Requests received and not yet answered, so that stdin closing after a request still gets its answer. */
  private readonly open = new Set<string | number>();
  private onIdle: (() => void) | null = null;

  constructor(private readonly wire: Wire) {}

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if ('id' in message && ('result' in message || 'error' in message) && message.id !== null && message.id !== undefined) {
      this.open.delete(message.id);
      if (this.open.size === 0) this.onIdle?.();
    }
    if (!this.droppedInit && this.wire.answered !== undefined && 'id' in message && message.id === this.wire.answered && ('result' in message || 'error' in message)) {
      this.droppedInit = true; // the front answered it already, with the same words (src/mcp/hello.ts)
      return;
    }
    this.wire.write(message);
  }

  async close(): Promise<void> {
    this.onclose?.();
  }

  receive(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.wire.write({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.ParseError, message: 'not JSON: ignored' } });
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      const id = value && typeof value === 'object' && 'id' in value && (typeof value.id === 'string' || typeof value.id === 'number') ? value.id : null;
      this.wire.write({ jsonrpc: '2.0', id, error: { code: ErrorCode.InvalidRequest, message: 'not a JSON-RPC 2.0 message' } });
      return;
    }
    if ('method' in parsed.data && 'id' in parsed.data) this.open.add(parsed.data.id);
    this.onmessage?.(parsed.data);
  }

  /** Resolves once every request received has been answered, or after ms. */
  settled(ms: number): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.onIdle = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

/** How long requests still open when stdin closes may take to be answered. */
const CLOSE_WAIT_MS = 30_000;

export async function startServer(o: ServerOptions, wire: Wire): Promise<{ receive(item: LineItem): void; close(wait?: boolean): Promise<void> }> {
  const server = new McpServer(SERVER_INFO, { capabilities: CAPABILITIES, instructions: INSTRUCTIONS });
  const spawn = o.spawn ?? (await import('../adapters/spawn-readonly.js')).spawnReadOnly;
  const ctx: McpContext = { dirs: o.dirs, env: o.env, cwd: o.cwd, log: o.log, spawn, actor: () => aiActor(server.server.getClientVersion()?.name) };
  registerAll(server, ctx, (message) => new McpError(-32002, message));
  const transport = new WireTransport(wire);
  transport.onerror = (err) => o.log(err.message);
  // A failure in a handler is the client's answer (an error or isError result), never the end of the server.
  if (!process.listenerCount('unhandledRejection')) process.on('unhandledRejection', (err) => o.log(`unexpected: ${err instanceof Error ? err.message : String(err)}`));
  await server.connect(transport);
  return {
    receive(item) {
      if (item.kind === 'line') transport.receive(item.text);
    },
    // Requests sent before the client closed stdin are answered first (`printf … | runbook mcp` works).
    close: async (wait = true) => {
      if (wait) await transport.settled(CLOSE_WAIT_MS);
      await server.close().catch(() => undefined);
    },
  };
}
