// system_snapshot: what an on-call engineer looks at first, from a FIXED built-in list of read-only commands
// (SNAPSHOT_COMMANDS) and /proc files. Nothing the client sends is executed or even passed as an argument.
// Output is parsed into JSON, every string redacted (built-in rules and the user's patterns), lists capped.
import { readFile } from 'node:fs/promises';
import { cpus, hostname, loadavg, uptime, totalmem, freemem } from 'node:os';
import { createRedactor, loadUserRedactPatterns } from '../timeline/redact.js';
import type { McpContext } from './context.js';

/** Every process system_snapshot may start: file and argv, nothing else. test/unit/mcp asserts on this list. */
export const SNAPSHOT_COMMANDS = {
  disks: { file: 'df', args: ['-P', '-k'] },
  inodes: { file: 'df', args: ['-P', '-i'] },
  processes: { file: 'ps', args: ['-eo', 'pid=,user=,pcpu=,pmem=,rss=,comm='] },
  kernelLog: { file: 'dmesg', args: ['-T'] },
  journalKernel: { file: 'journalctl', args: ['-k', '-q', '--no-pager', '-o', 'short-iso', '--since', '-24h'] },
  listening: { file: 'ss', args: ['-H', '-l', '-t', '-n'] },
} as const;

const TIMEOUT_MS = 5000;
const MAX_BYTES = 1024 * 1024;
const TOP = 10;
const MAX_STRING = 300;

type Row = Record<string, string | number | null>;

const num = (s: string | undefined): number | null => (s !== undefined && s !== '' && Number.isFinite(Number(s)) ? Number(s) : null);

async function proc(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

function parseDf(text: string, kind: 'disks' | 'inodes'): Row[] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l): Row => {
      const f = l.trim().split(/\s+/);
      const mount = f.slice(5).join(' ');
      return kind === 'disks'
        ? { filesystem: f[0] ?? '', size_kb: num(f[1]), used_kb: num(f[2]), available_kb: num(f[3]), use_pct: num(f[4]?.replace('%', '')), mount }
        : { filesystem: f[0] ?? '', inodes: num(f[1]), used: num(f[2]), free: num(f[3]), use_pct: num(f[4]?.replace('%', '')), mount };
    })
    .slice(0, 100);
}

function parsePs(text: string): Row[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return { pid: num(f[0]), user: f[1] ?? '', cpu_pct: num(f[2]), mem_pct: num(f[3]), rss_kb: num(f[4]), command: f.slice(5).join(' ') };
    });
}

function parseMeminfo(text: string): Row {
  const kb = (key: string): number | null => num(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return {
    total_kb: total,
    available_kb: available,
    free_kb: kb('MemFree'),
    swap_total_kb: kb('SwapTotal'),
    swap_free_kb: kb('SwapFree'),
    used_pct: total && available !== null ? Math.round(((total - available) / total) * 1000) / 10 : null,
  };
}

const OOM = /out of memory|oom-kill|killed process|oom_reaper/i;

export async function systemSnapshot(ctx: McpContext) {
  const redactor = createRedactor({ patterns: loadUserRedactPatterns(ctx.env) });
  const unavailable: Record<string, string> = {};
  const run = async (key: keyof typeof SNAPSHOT_COMMANDS): Promise<string | null> => {
    const c = SNAPSHOT_COMMANDS[key];
    const r = await ctx.spawn(c.file, c.args, { timeoutMs: TIMEOUT_MS, maxBytes: MAX_BYTES }).catch((err: unknown) => ({ stdout: '', failure: String(err) }));
    if (r.failure) unavailable[key] = `${c.file}: ${r.failure}`;
    return r.failure && !r.stdout ? null : r.stdout;
  };
  const [up, load, mem, df, dfi, ps, dmesg, ss] = await Promise.all([
    proc('/proc/uptime'),
    proc('/proc/loadavg'),
    proc('/proc/meminfo'),
    run('disks'),
    run('inodes'),
    run('processes'),
    run('kernelLog'),
    run('listening'),
  ]);
  // The kernel log: dmesg when it may be read, else the journal's copy of it.
  let oomSource: string | null = null;
  let kernel = dmesg;
  if (kernel !== null) oomSource = 'dmesg';
  else {
    kernel = await run('journalKernel');
    if (kernel !== null) {
      oomSource = 'journalctl -k';
      delete unavailable.kernelLog;
    }
  }
  const loads = load?.split(/\s+/).slice(0, 3).map(Number) ?? loadavg();
  const processes = ps ? parsePs(ps) : [];
  const byCpu = [...processes].sort((a, b) => Number(b.cpu_pct ?? 0) - Number(a.cpu_pct ?? 0)).slice(0, TOP);
  const byMem = [...processes].sort((a, b) => Number(b.rss_kb ?? 0) - Number(a.rss_kb ?? 0)).slice(0, TOP);
  const snapshot = {
    taken_at: new Date().toISOString(),
    host: hostname(),
    uptime_s: num(up?.split(/\s+/)[0]) ?? Math.round(uptime()),
    cpus: cpus().length,
    load: { '1m': loads[0] ?? null, '5m': loads[1] ?? null, '15m': loads[2] ?? null },
    memory: mem ? parseMeminfo(mem) : { total_kb: Math.round(totalmem() / 1024), available_kb: Math.round(freemem() / 1024), free_kb: null, swap_total_kb: null, swap_free_kb: null, used_pct: null },
    disks: df ? parseDf(df, 'disks') : [],
    inodes: dfi ? parseDf(dfi, 'inodes') : [],
    processes: processes.length,
    top_cpu: byCpu,
    top_memory: byMem,
    oom_kills: { source: oomSource, lines: kernel ? kernel.split('\n').filter((l) => OOM.test(l)).slice(-20) : [] },
    listening: ss
      ? ss
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => {
            const f = l.trim().split(/\s+/);
            return { state: f[0] ?? '', local: f[3] ?? '', peer: f[4] ?? '' };
          })
          .slice(0, 200)
      : [],
    unavailable,
  };
  return redactDeep(snapshot, (s) => {
    const r = redactor.redact(s);
    return r.length > MAX_STRING ? `${r.slice(0, MAX_STRING)}…` : r;
  });
}

function redactDeep<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, fn)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, fn)])) as T;
  return value;
}
