// What every tool of `runbook mcp` may use: where runbooks and timelines are, who the client is, and the one
// port through which a process may be started (system_snapshot's fixed list only; tests inject a recorder).
export interface Spawned {
  stdout: string;
  /** Set when the command could not run or did not succeed: why, in a few words. */
  failure?: string;
}

/** Runs `file` with `args` (no shell), stdin closed, for at most timeoutMs, keeping at most maxBytes of stdout. */
export type Spawner = (file: string, args: readonly string[], opts: { timeoutMs: number; maxBytes: number }) => Promise<Spawned>;

export interface McpContext {
  dirs: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The client's name from `initialize` (clientInfo.name), as recorded: `ai:<name>`. */
  actor(): string;
  spawn: Spawner;
  log(line: string): void;
}

/** `ai:` and the client's name, cut to 64 characters of letters, digits and ._- (a name is free text from the client). */
export function aiActor(clientName: string | undefined): string {
  const name = (clientName ?? '').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return `ai:${name || 'unknown'}`;
}

/** A failure the client caused (an unknown id, a bad name): reported as the tool's error result, never a crash. */
export class ToolError extends Error {}
