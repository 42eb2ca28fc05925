// What `runbook mcp` says about itself at `initialize`. The answer is written before the MCP SDK is loaded (the
// SDK and zod take longer to load than Node takes to start), so the protocol versions are the SDK's own list,
// copied: test/unit/mcp/hello.test.ts fails when this answer differs from the one the SDK's server gives.
import { VERSION } from '../version.js';

/** The SDK's SUPPORTED_PROTOCOL_VERSIONS (@modelcontextprotocol/sdk 1.32.2), newest first. */
export const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'] as const;

export const SERVER_INFO = { name: 'runbook', version: VERSION };

/** What the server offers: tools and resources, as McpServer advertises them once they are registered. */
export const CAPABILITIES = { tools: { listChanged: true }, resources: { listChanged: true } };

export const INSTRUCTIONS =
  'Incident-response runbooks (Markdown) and the timelines of runs on this machine. Every tool reads, except ' +
  'add_note and suggest_command, which append to a live run\'s timeline. No tool runs a command: suggest_command ' +
  'only proposes one to the operator at the runner, who decides; system_snapshot runs a fixed built-in set of ' +
  'read-only commands (load, memory, disks, processes, OOM kills, listening sockets).';

export interface InitializeRequest {
  jsonrpc: '2.0';
  id: string | number;
  method: 'initialize';
  params: { protocolVersion: string; clientInfo?: { name?: unknown } };
}

/** The first line of the session when it is an `initialize` request we can answer at once, else null. */
export function asInitialize(line: string): InitializeRequest | null {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return null;
  }
  if (m === null || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  const params = o.params as Record<string, unknown> | undefined;
  const idOk = typeof o.id === 'string' || (typeof o.id === 'number' && Number.isInteger(o.id));
  if (o.jsonrpc !== '2.0' || o.method !== 'initialize' || !idOk || !params || typeof params !== 'object') return null;
  if (typeof params.protocolVersion !== 'string' || typeof params.capabilities !== 'object' || params.capabilities === null) return null;
  const info = params.clientInfo as Record<string, unknown> | undefined;
  if (!info || typeof info !== 'object' || typeof info.name !== 'string' || typeof info.version !== 'string') return null;
  return m as InitializeRequest;
}

/** The JSON-RPC response to `initialize`, exactly as the SDK's server would write it. */
export function initializeResponse(req: InitializeRequest): { jsonrpc: '2.0'; id: string | number; result: Record<string, unknown> } {
  const asked = req.params.protocolVersion;
  const protocolVersion = (PROTOCOL_VERSIONS as readonly string[]).includes(asked) ? asked : PROTOCOL_VERSIONS[0];
  return { jsonrpc: '2.0', id: req.id, result: { protocolVersion, capabilities: CAPABILITIES, serverInfo: SERVER_INFO, instructions: INSTRUCTIONS } };
}
