// Helpers for bench/run.js: spawn a whole process, time it, and (optionally) measure its peak RSS.
// Plain ESM JavaScript, no dependencies.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// BENCH_NO_TIME=1 forces the /proc fallback (to test it where /usr/bin/time exists).
export const TIME_BIN = existsSync('/usr/bin/time') && process.env.BENCH_NO_TIME !== '1' ? '/usr/bin/time' : null;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function tempDir(prefix = 'runbook-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** VmHWM of a live process in KiB, or null when /proc is not there or the process is gone. */
function readHwm(pid) {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Run one process to completion.
 *   cmd, args, { env, cwd, stdout: 'ignore' | 'capture' | 'cat' | path-to-file-fd, rss: boolean }
 * stdout 'cat' pipes the process's stdout into `cat > /dev/null` (a real pipe with a fast reader).
 * Returns { ms, code, signal, rssKb (null when not asked or not measurable), stdout (when captured), stderr }.
 * With rss, /usr/bin/time -f %M wraps the process when it exists (the same wrapper is used for the
 * baseline, so ratios stay fair); else /proc/<pid>/status VmHWM is polled every 10 ms.
 */
export function runOnce(cmd, args, opts = {}) {
  const { env = process.env, cwd = process.cwd(), stdout = 'ignore', rss = false, cpu = false } = opts;
  return new Promise((resolve, reject) => {
    let rssFile = null;
    let file = cmd;
    let argv = args;
    let cpuFile = null;
    if (cpu) {
      // CPU time (user + sys) of the process and its children, from bash's `times` (getrusage, 1 ms
      // resolution): far steadier than wall time on a loaded machine. The same wrapper runs the baseline.
      cpuFile = join(tempDir('runbook-bench-cpu-'), 'cpu');
      argv = ['-c', `"$@"; rc=$?; times > '${cpuFile}'; exit $rc`, 'bash', cmd, ...args];
      file = 'bash';
    } else if (rss && TIME_BIN) {
      rssFile = join(tempDir('runbook-bench-rss-'), 'rss');
      file = TIME_BIN;
      argv = ['-f', '%M', '-o', rssFile, cmd, ...args];
    }
    let cat = null;
    let outSpec = 'ignore';
    if (stdout === 'capture') outSpec = 'pipe';
    else if (stdout === 'cat') {
      cat = spawn('sh', ['-c', 'cat > /dev/null'], { stdio: ['pipe', 'ignore', 'inherit'] });
      outSpec = cat.stdin;
    } else if (typeof stdout === 'number') outSpec = stdout;
    const t0 = process.hrtime.bigint();
    const child = spawn(file, argv, { env, cwd, stdio: ['ignore', outSpec, 'pipe'] });
    if (cat) cat.stdin.destroy(); // the child holds the write end now
    let out = '';
    let err = '';
    if (stdout === 'capture') child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      if (err.length < 64 * 1024) err += d;
    });
    let hwm = null;
    let poll = null;
    if (rss && !TIME_BIN && child.pid) {
      const tick = () => {
        const v = readHwm(child.pid);
        if (v !== null) hwm = Math.max(hwm ?? 0, v);
      };
      tick();
      poll = setInterval(tick, 10);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (poll) clearInterval(poll);
      let rssKb = hwm;
      if (rssFile) {
        try {
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          rssKb = Number(lines[lines.length - 1]);
          // /usr/bin/time writes "Command exited with non-zero status N" first; recover the code.
          const m = /exited with non-zero status (\d+)/.exec(lines.join('\n'));
          if (m) code = Number(m[1]);
        } catch {
          rssKb = null;
        }
        rmSync(join(rssFile, '..'), { recursive: true, force: true });
      }
      let cpuMs = null;
      if (cpuFile) {
        try {
          // Second line: the children's user and system time, e.g. "0m0.105s 0m0.023s".
          const line = readFileSync(cpuFile, 'utf8').trim().split('\n')[1] ?? '';
          cpuMs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((t, m) => t + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
        } catch {
          cpuMs = null;
        }
        rmSync(join(cpuFile, '..'), { recursive: true, force: true });
      }
      const done = () => resolve({ ms, code, signal, rssKb: rss ? rssKb : null, cpuMs, stdout: out, stderr: err });
      if (cat && cat.exitCode === null) cat.on('close', done);
      else done();
    });
  });
}

/** Throw unless the result is a success (code 0 unless `okCodes` says otherwise). */
export function check(label, r, okCodes = [0]) {
  if (!okCodes.includes(r.code)) {
    throw new Error(`${label}: exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n${r.stderr.slice(0, 2000)}`);
  }
  return r;
}

/**
 * Alternate A (measured) and B (baseline) `runs` times after `warmup` unmeasured pairs.
 * Order flips every run (AB, BA, AB, ...) so slow drift of the machine hits both alike.
 * a, b: async () => result of runOnce (b may be null: no baseline).
 */
export async function alternate({ a, b, runs, warmup = 1, onProgress }) {
  for (let i = 0; i < warmup; i++) {
    await a();
    if (b) await b();
  }
  const ra = [];
  const rb = [];
  for (let i = 0; i < runs; i++) {
    if (b && i % 2 === 1) {
      rb.push(await b());
      ra.push(await a());
    } else {
      ra.push(await a());
      if (b) rb.push(await b());
    }
    onProgress?.(i + 1);
  }
  return { a: ra, b: rb };
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtMb(kb) {
  return kb === null || kb === undefined || Number.isNaN(kb) ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`;
}

/** A plain text table: header row, then rows, columns padded. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
