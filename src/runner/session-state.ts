// A shell session across commands, as data: the state that carries from one command to the next (exported
// environment, working directory), the bash wrapper that reports it at a command's end, and the parsing and
// diffing of that report. Pure. How the report's bytes travel back (a pipe on fd 3 for a local command,
// another channel for a remote host) and how the process is started are the caller's business: the wrapper
// only needs "write the dump to fd N" and "the state to restore, as data in the environment".
import { isUtf8 } from 'node:buffer';
import { parseExportP } from './session-export-p.js';

/** What carries: exported variables (name → exact bytes) and the working directory (exact bytes). */
export interface SessionState {
  readonly env: ReadonlyMap<string, Buffer>;
  readonly cwd: Buffer;
}

/** What a command changed, by name (values stay in the states). */
export interface SessionDiff {
  added: string[];
  changed: string[];
  removed: string[];
  /** The new working directory, when it changed. */
  cwd?: Buffer;
}

/** The file descriptor a local command writes its dump to (a pipe the executor reads). */
export const LOCAL_DUMP_FD = 3;
/**
 * Environment variable holding, as escaped data, what cannot travel as a plain environment entry: values that
 * are not UTF-8 (a process environment goes through Node as UTF-8 text) and a cwd that is not. The wrapper
 * applies it with `printf -v NAME %b` and `export`, never as shell text, then removes it.
 */
export const RESTORE_VAR = '__RUNBOOK_SESSION_RESTORE';

/** A dump: MAGIC, the cwd, `export -p`'s text, each ended by a NUL (DUMP_BYTES). */
const MAGIC = 'RBSTATE2';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Set by bash itself in every shell: carrying them would change them on every command (SHLVL grows by one). */
const NOT_CARRIED = new Set(['_', 'SHLVL']);
/** Carried but not reported as a change: the cwd is reported on its own, RUNBOOK_VAR_* are the runner's. */
const hidden = (name: string): boolean => name === 'PWD' || name === 'OLDPWD' || NOT_CARRIED.has(name) || name.startsWith('RUNBOOK_VAR_');

/** Only bash reports state (the wrapper uses namerefs and `${x@a}`: bash 4.4 or later). */
export function supportsSession(shell: string): boolean {
  return /(^|\/)bash[0-9.]*$/.test(shell);
}

/** The state a run starts from: the commands' environment and the run's directory. */
export function stateFromEnv(env: Readonly<Record<string, string | undefined>>, cwd: string): SessionState {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) m.set(k, Buffer.from(v, 'utf8'));
  return { env: m, cwd: Buffer.from(cwd, 'utf8') };
}

/** A copy of `state` with `name` set (a capture) or removed (`undefined`). */
export function withVar(state: SessionState, name: string, value: Buffer | undefined): SessionState {
  const env = new Map(state.env);
  if (value === undefined) env.delete(name);
  else env.set(name, value);
  return { env, cwd: state.cwd };
}

// The directory, as `pwd` would say it (a fork only when $PWD is stale).
const COLLECT_CWD = '__rb_p=$PWD; [[ $__rb_p == /* && $__rb_p -ef . ]] || __rb_p=$(builtin pwd -P)';
// The state as bytes: MAGIC, the cwd, then `export -p` (one builtin for the whole environment, read by
// session-export-p.ts; it holds no NUL), each ended by a NUL. bash writes it a line at a time.
const DUMP_BYTES = `{ builtin printf "%s\\0%s\\0" ${MAGIC} "$__rb_p"; builtin export -p; builtin printf "\\0"; }`;

// The EXIT trap. Silent (xtrace off, errors to /dev/null), immune to the command's `set -eu`, keeps the exit
// status (a trap that does not call `exit` leaves it as it was), writes only after a success. An exported
// array is not in a child's environment, so it is not carried either. No single quote: it sits in '…'.
const DUMP = [
  '{ __rb_s=$?; set +x; } 2>/dev/null',
  'set +eu',
  `if [ "$__rb_s" = 0 ]; then ${COLLECT_CWD}`,
  `${DUMP_BYTES} >&"$__rb_fd"; fi 2>/dev/null`,
].join('; ');

// Applies RESTORE_VAR line by line: `@ESC` cd, `-NAME` unset, `NAME=ESC` export; ESC is printf %b text.
// Names are checked to be identifiers (an array subscript in a name would be evaluated by bash).
const RESTORE = [
  // Line by line with parameter expansion, not a here-string: bash may put a here-string in a temporary file.
  `if [ -n "\${${RESTORE_VAR}+x}" ]; then __rb_t=$${RESTORE_VAR}$'\\n'; while [ -n "$__rb_t" ]; do __rb_l=\${__rb_t%%$'\\n'*}; __rb_t=\${__rb_t#*$'\\n'}; case $__rb_l in`,
  '@*) builtin printf -v __rb_v %b "${__rb_l#@}"; builtin cd -- "$__rb_v" || exit 1;;',
  '-*) __rb_k=${__rb_l#-}; case $__rb_k in ""|[0-9]*|*[!A-Za-z0-9_]*) ;; *) builtin unset -v "$__rb_k";; esac;;',
  '*=*) __rb_k=${__rb_l%%=*}; case $__rb_k in ""|[0-9]*|*[!A-Za-z0-9_]*) ;; *) builtin printf -v __rb_v %b "${__rb_l#*=}"; builtin export "$__rb_k=$__rb_v";; esac;;',
  `esac; done; builtin unset -v ${RESTORE_VAR} __rb_t __rb_l __rb_v __rb_k; fi`,
].join(' ');

/**
 * The script a bash runs so that, at its end, it writes its exported environment and cwd to fd `dumpFd`
 * (DUMP_BYTES, see parseDump). The prefix sits on the script's first line, so bash's "line N" in error
 * messages stays right. `privateFd` (default: dumpFd > 2): the fd is moved out of the command's way (to one
 * bash picks, 10 or above) so that `exec 3>…` in the command does not touch it. The trap is lost when the
 * command `exec`s another program or sets its own EXIT trap: then nothing is written (state unchanged).
 */
export function wrapScript(script: string, opts: { dumpFd: number; privateFd?: boolean }): string {
  const fd = Math.trunc(opts.dumpFd);
  const privateFd = opts.privateFd ?? fd > 2;
  const takeFd = privateFd ? `exec {__rb_fd}>&${fd} ${fd}>&-; ` : `__rb_fd=${fd}; `;
  return `${takeFd}${RESTORE}; trap '${DUMP}' EXIT; ${script}`;
}

/**
 * The prefix bash runs on a remote host before `script` (same first line, so line numbers stay right). The
 * host's output is one stream, which a background process of the command may keep writing to, so the state
 * comes back in frames on it: one line per base64 line of a dump, `<nonce><tag><base64>`, each written by one
 * `printf` (one write(2) of about 110 bytes, never split by another writer). `B`: the state the command starts
 * in (after the restore); `A`: the state it left, after a success only. The nonce is split in two variables so
 * that `set` in the command never prints it whole. The frames go to fd 3 (given by the caller; moved to a
 * private fd). bash older than 4.4 (no `local -`) just runs the command: no state is reported.
 */
export function remoteWrapPrefix(nonce: string): string {
  if (!/^[0-9a-f]{16,64}$/.test(nonce)) throw new Error('the session nonce must be hex (this is a bug)');
  const half = nonce.length >> 1;
  const frames = [
    `__rb_frames() { ${COLLECT_CWD}`,
    // Captured before IFS is made local (an exported IFS would be hidden from `export -p` otherwise).
    `__rb_x=$(${DUMP_BYTES} | base64); local IFS=$'\\n' -; set -f; __rb_L=($__rb_x)`,
    'for __rb_l in "${__rb_L[@]}"; do builtin printf "%s%s%s\\n" "$__rb_n1" "$__rb_n2$1" "$__rb_l"; done >&"$__rb_fd"; } 2>/dev/null',
  ].join('; ');
  const trap = `{ __rb_s=$?; set +x; } 2>/dev/null; set +eu; if [ "$__rb_s" = 0 ]; then __rb_frames A; fi 2>/dev/null`;
  return [
    `__rb_n1=${nonce.slice(0, half)}; __rb_n2=${nonce.slice(half)}; exec {__rb_fd}>&3 3>&-; ${RESTORE}; ${frames}`,
    `if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404)); then __rb_frames B; trap '${trap}' EXIT; fi; `,
  ].join('; ');
}

/** `%b` text holding exactly `bytes`: printable ASCII as is, `\\` and every other byte as `\xHH`. */
export function escapeBytes(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** RESTORE_VAR's value for these changes: ASCII only, one line each, no quote or `$` interpreted by anyone. */
export function encodeRestore(r: { set?: Iterable<[string, Buffer]>; unset?: Iterable<string>; cwd?: Buffer }): string {
  const lines: string[] = [];
  if (r.cwd !== undefined) lines.push(`@${escapeBytes(r.cwd)}`);
  for (const n of r.unset ?? []) if (IDENTIFIER.test(n)) lines.push(`-${n}`);
  for (const [n, v] of r.set ?? []) if (IDENTIFIER.test(n)) lines.push(`${n}=${escapeBytes(v)}`);
  return lines.join('\n');
}

/**
 * How to start a local process in `state`: UTF-8 values as environment entries, the rest in RESTORE_VAR for
 * the wrapper. `cwd` is where to spawn (the state's, or `/` when it is not UTF-8: the wrapper then cds).
 * A shell without the wrapper gets the UTF-8 part only.
 */
export function launchFor(state: SessionState): { env: Record<string, string>; cwd: string } {
  const env = Object.create(null) as Record<string, string>;
  const escaped: [string, Buffer][] = [];
  for (const [k, v] of state.env) {
    if (isUtf8(v) && !v.includes(0)) env[k] = v.toString('utf8');
    else escaped.push([k, v]);
  }
  const cwdOk = isUtf8(state.cwd);
  if (escaped.length > 0 || !cwdOk) env[RESTORE_VAR] = encodeRestore({ set: escaped, ...(cwdOk ? {} : { cwd: state.cwd }) });
  return { env, cwd: cwdOk ? state.cwd.toString('utf8') : '/' };
}

/** Where a complete dump ends (just past its third NUL), or -1 while it is incomplete. */
export function dumpEnd(bytes: Buffer): number {
  if (bytes.length < MAGIC.length + 1 || bytes.toString('latin1', 0, MAGIC.length + 1) !== `${MAGIC}\0`) return -1;
  // MAGIC, cwd, then the export -p text, each ended by a NUL (none inside: bash values hold no NUL).
  const cwdEnd = bytes.indexOf(0, MAGIC.length + 1);
  const end = cwdEnd < 0 ? -1 : bytes.indexOf(0, cwdEnd + 1);
  return end < 0 ? -1 : end + 1;
}

/** The state a dump reports, or undefined when `bytes` is not one complete, readable dump. */
export function parseDump(bytes: Buffer): SessionState | undefined {
  const end = dumpEnd(bytes);
  if (end < 0) return undefined;
  const cwdEnd = bytes.indexOf(0, MAGIC.length + 1);
  const cwd = bytes.subarray(MAGIC.length + 1, cwdEnd);
  const env = parseExportP(bytes.subarray(cwdEnd + 1, end - 1));
  return cwd.length === 0 || env === undefined ? undefined : { env, cwd };
}

/**
 * The state after a successful command that reported `dumped`. Kept from `prev`: what bash sets itself
 * (SHLVL, `_`) and names bash cannot hold as variables (`BASH_FUNC_f%%`, `a-b`), which it passes on unseen.
 * `startCwd`: where the command started; when a command with its own `cwd=` stays there, the session's
 * directory does not move to it.
 */
export function nextState(prev: SessionState, dumped: SessionState, startCwd?: Buffer): SessionState {
  const env = new Map<string, Buffer>();
  for (const [k, v] of dumped.env) if (!NOT_CARRIED.has(k)) env.set(k, v);
  for (const [k, v] of prev.env) if (NOT_CARRIED.has(k) || !IDENTIFIER.test(k)) env.set(k, v);
  const stayed = startCwd !== undefined && dumped.cwd.equals(startCwd);
  return { env, cwd: stayed ? prev.cwd : dumped.cwd };
}

/** What changed from `a` to `b`, leaving out what the runner and bash keep for themselves. Names sorted. */
export function diffStates(a: SessionState, b: SessionState): SessionDiff {
  const d: SessionDiff = { added: [], changed: [], removed: [] };
  for (const [k, v] of b.env) {
    if (hidden(k)) continue;
    const was = a.env.get(k);
    if (was === undefined) d.added.push(k);
    else if (!was.equals(v)) d.changed.push(k);
  }
  for (const k of a.env.keys()) if (!hidden(k) && !b.env.has(k)) d.removed.push(k);
  for (const l of [d.added, d.changed, d.removed]) l.sort();
  if (!a.cwd.equals(b.cwd)) d.cwd = b.cwd;
  return d;
}

export function isEmptyDiff(d: SessionDiff): boolean {
  return d.added.length + d.changed.length + d.removed.length === 0 && d.cwd === undefined;
}

/** `env: +POD, ~PATH, -OLD · cwd: /var/log/app` (the caller neutralises it for the terminal). */
export function formatDiff(d: SessionDiff): string {
  const names = [...d.added.map((n) => `+${n}`), ...d.changed.map((n) => `~${n}`), ...d.removed.map((n) => `-${n}`)];
  const parts: string[] = [];
  if (names.length > 0) parts.push(`env: ${names.join(', ')}`);
  if (d.cwd !== undefined) parts.push(`cwd: ${d.cwd.toString('utf8')}`);
  return parts.join(' · ');
}
