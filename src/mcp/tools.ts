// Every tool and resource of `runbook mcp`, with its input and output schemas (zod, as the SDK takes them).
// Read-only tools say so (readOnlyHint); add_note and suggest_command append to a live run and say that.
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ToolError, type McpContext } from './context.js';
import { listRunbooks, runbookMarkdown, searchRunbooks, showRunbook } from './library.js';
import { incidentStatus, listIncidents, readTimelinePage, summarizeIncident, timelineText } from './timelines.js';
import { addNote, MAX_SUGGESTION_CHARS, suggestCommand } from './writes.js';
import { systemSnapshot } from './snapshot.js';
import { listRuns, runName } from './runs.js';
import { listedRunbooks } from '../commands/list.js';
import { MAX_NOTE_BYTES } from '../timeline/limits.js';

const short = z.string().max(300);
const timelineName = z.string().min(1).max(1024).describe('a timeline name from list_incidents (its file name), or a path inside a timeline folder');
const anyObject = z.looseObject({});
// List items are not checked one by one: checking 5,000 runbook entries as objects cost ~300 ms a call.
const list = (what = '') => z.array(z.unknown()).describe(what);

type Result = Record<string, unknown>;

export function registerAll(server: McpServer, ctx: McpContext, notFound: (message: string) => Error): void {
  /** Text (the JSON) plus structuredContent; a ToolError or any failure becomes an isError result (the SDK's). */
  const tool = <I extends z.ZodRawShape, O extends z.ZodRawShape>(
    name: string,
    meta: { title: string; description: string; input: I; output: O; readOnly: boolean },
    fn: (args: z.infer<z.ZodObject<I>>) => Promise<Result>,
  ): void => {
    server.registerTool(
      name,
      {
        title: meta.title,
        description: meta.description,
        inputSchema: meta.input,
        // Loose: a field added later is not a breaking change for a client that validates (the SDK's does).
        outputSchema: z.looseObject(meta.output),
        annotations: { readOnlyHint: meta.readOnly, destructiveHint: false, openWorldHint: false, ...(meta.readOnly ? {} : { idempotentHint: false }) },
      },
      (async (args: z.infer<z.ZodObject<I>>) => {
        const result = await fn(args);
        return { content: [{ type: 'text' as const, text: JSON.stringify(result) }], structuredContent: result };
      }) as never,
    );
  };

  tool(
    'list_runbooks',
    {
      title: 'List runbooks',
      description: 'The runbooks found (as `runbook list --json`), sorted by id, with the same filters: every tag, a service, a severity, a substring of id/title/description.',
      input: { tag: z.array(short).max(20).optional(), service: short.optional(), severity: short.optional(), search: short.optional() },
      output: { runbooks: list('entries as `runbook list --json`: id, title, path, description, severity, tags, services, owner, last_reviewed, name, source, steps, commands'), broken: list('files that could not be read: path, problem') },
      readOnly: true,
    },
    (a) => listRunbooks(ctx, a),
  );
  tool(
    'show_runbook',
    {
      title: 'Show a runbook',
      description: 'One runbook by id (or folder/id): variables, steps with prose, checks and commands; dangerous commands are marked (danger: true) and listed in dangerous_commands.',
      input: { id: z.string().min(1).max(300) },
      output: { name: z.string(), id: z.string(), title: z.string(), steps: list(), vars: list(), dangerous_commands: list() },
      readOnly: true,
    },
    (a) => showRunbook(ctx, a.id),
  );
  tool(
    'search_runbooks',
    {
      title: 'Search runbooks',
      description: 'Full-text search over titles, descriptions, tags, prose and commands; every word must match; best first.',
      input: { query: z.string().min(1).max(500), limit: z.number().int().min(1).max(50).optional() },
      output: { query: z.string(), total: z.number(), results: list() },
      readOnly: true,
    },
    (a) => searchRunbooks(ctx, a.query, a.limit ?? 10),
  );
  tool(
    'list_incidents',
    {
      title: 'List incidents',
      description: 'Recorded runs, newest first, with their status (running, interrupted, completed, failed, aborted). `all` adds dry runs and drills.',
      input: { all: z.boolean().optional() },
      output: { incidents: list(), problems: z.array(z.string()) },
      readOnly: true,
    },
    (a) => listIncidents(ctx, a.all ?? false),
  );
  tool(
    'incident_status',
    {
      title: 'Incident status',
      description:
        'What is going on in a run now (as `runbook status`): who holds it, step N of M, the command running and for how long, the latest notes, the marks and the incident clock. Default: the newest live run in progress.',
      input: { timeline: timelineName.optional() },
      output: { timeline: z.string(), state: z.string(), incident: z.string(), operator: z.string().nullable(), step: anyObject.nullable(), command: anyObject.nullable(), notes: list(), marks: list(), since: anyObject.nullable() },
      readOnly: true,
    },
    (a) => incidentStatus(ctx, a.timeline),
  );
  tool(
    'read_timeline',
    {
      title: 'Read a timeline',
      description: 'The events of a run, a page at a time (from_seq, limit), redacted; long fields are cut with a marker. next_seq continues.',
      input: { timeline: timelineName, from_seq: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() },
      output: { timeline: z.string(), from_seq: z.number(), events: list(), next_seq: z.number().nullable(), truncated: z.boolean(), problems: z.array(z.string()) },
      readOnly: true,
    },
    (a) => readTimelinePage(ctx, a.timeline, a.from_seq ?? 0, a.limit ?? 200),
  );
  tool(
    'summarize_incident',
    {
      title: 'Summarize an incident',
      description: 'The facts of the postmortem export: status, durations, steps, every command with its result, failed commands, notes, marks (impact, detected, mitigated, resolved) and time to detect/mitigate/resolve.',
      input: { timeline: timelineName },
      output: { timeline: z.string(), status: z.string(), steps: list(), failed_commands: list(), marks: list(), notes: list(), suggestions: list() },
      readOnly: true,
    },
    (a) => summarizeIncident(ctx, a.timeline),
  );
  tool(
    'add_note',
    {
      title: 'Add a note to a live run',
      description: 'Appends a note to the timeline of a run in progress (default: the newest), recorded as written by ai:<your client name>.',
      input: { text: z.string().min(1).max(MAX_NOTE_BYTES), timeline: timelineName.optional() },
      output: { timeline: z.string(), seq: z.number(), actor: z.string() },
      readOnly: false,
    },
    (a) => addNote(ctx, a.text, a.timeline),
  );
  tool(
    'suggest_command',
    {
      title: 'Suggest a command to the operator',
      description:
        'Proposes a shell command for a run in progress. It is NOT run: the operator sees it at the next command prompt and may run it (after the usual danger confirmation) or ignore it. Runs started with --yes never run suggestions.',
      input: { command: z.string().min(1).max(MAX_SUGGESTION_CHARS), reason: z.string().max(MAX_NOTE_BYTES), timeline: timelineName.optional() },
      output: { timeline: z.string(), seq: z.number(), id: z.string(), actor: z.string(), status: z.string() },
      readOnly: false,
    },
    (a) => suggestCommand(ctx, a.command, a.reason, a.timeline),
  );
  tool(
    'system_snapshot',
    {
      title: 'System snapshot',
      description: 'Load, memory, disk and inode usage, top processes by CPU and memory, recent OOM kills (when the kernel log is readable) and listening TCP sockets, from a fixed set of read-only commands. Takes no input; output redacted and capped.',
      input: {},
      output: { taken_at: z.string(), host: z.string(), load: anyObject, memory: anyObject, disks: list(), inodes: list(), top_cpu: list(), top_memory: list(), oom_kills: anyObject, listening: list(), unavailable: anyObject },
      readOnly: true,
    },
    () => systemSnapshot(ctx),
  );

  // Resources: names are URI-encoded (a `folder/id` name holds a slash).
  const decode = (v: string | string[] | undefined): string => {
    try {
      return decodeURIComponent(String(Array.isArray(v) ? v[0] : (v ?? '')));
    } catch {
      return '';
    }
  };
  const orNotFound = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw err instanceof ToolError ? notFound(err.message) : err;
    }
  };
  server.registerResource(
    'runbook',
    new ResourceTemplate('runbook://{id}', {
      list: async () => {
        const { shown, entry } = await listedRunbooks({ dirs: ctx.dirs, tag: [] }, ctx.env, ctx.cwd);
        return { resources: shown.map((rb) => ({ uri: `runbook://${encodeURIComponent(entry(rb).name)}`, name: entry(rb).name, title: rb.title, mimeType: 'text/markdown' })) };
      },
    }),
    { title: 'Runbook', description: 'A runbook as Markdown, by id (or folder/id, URI-encoded)', mimeType: 'text/markdown' },
    (uri, vars) =>
      orNotFound(async () => {
        const r = await runbookMarkdown(ctx, decode(vars.id));
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: r.text }] };
      }),
  );
  server.registerResource(
    'timeline',
    new ResourceTemplate('timeline://{name}', {
      list: async () => {
        const { runs } = await listRuns(ctx);
        return { resources: runs.map((s) => ({ uri: `timeline://${encodeURIComponent(runName(s.path))}`, name: runName(s.path), title: `${s.runbook ?? '?'} (${s.status})`, mimeType: 'application/jsonl' })) };
      },
    }),
    { title: 'Timeline', description: 'A run\'s timeline as JSON Lines, redacted, cut past 1 MiB (read_timeline pages through all of it)', mimeType: 'application/jsonl' },
    (uri, vars) => orNotFound(async () => ({ contents: [{ uri: uri.href, mimeType: 'application/jsonl', text: await timelineText(ctx, decode(vars.name)) }] })),
  );
}
