// The program a target's shell runs for one command. It reaches the target on the transport's stdin, never
// as a command-line word: the only fixed text on the command line is REMOTE_BOOTSTRAP. Every value (the
// script, variables, cwd, shell) is inside it as base64 in single quotes, decoded there with `base64 -d`:
// data, not code, byte for byte (newlines, quotes, `$(…)` included). Transport-agnostic: `ssh host CMD`
// and `kubectl exec -i POD -- sh -c CMD` would both feed it the same way.
import { RESTORE_VAR, remoteWrapPrefix } from '../runner/session-state.js';
import type { TargetRequest } from './targets.js';

/**
 * What the target's login shell is given: read one line (the program, base64) from stdin and run it. The
 * rest of stdin stays open: its end (the local side gone: killed, timed out, Ctrl-C) fires the watchdog.
 */
export const REMOTE_BOOTSTRAP = `exec /bin/sh -c 'IFS= read -r rb_p && eval "$(printf %s "$rb_p" | base64 -d)"'`;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One single-quoted word of base64: safe in any shell, whatever the value holds. */
const b64 = (s: string): string => `'${Buffer.from(s, 'utf8').toString('base64')}'`;

/**
 * The program, built in one place. Runs the command in its own session (setsid) with stdin from /dev/null,
 * and a watchdog that kills that whole process group when our stdin reaches its end before the command is
 * done. With a shell session (`req.session` and the command's `nonce`), `script` is wrapped here so that it
 * starts in the host's state and reports the state it leaves (session-frames.ts reads the report).
 */
export function buildRemoteProgram(req: TargetRequest, graceS = 2, nonce?: string): string {
  const lines = [
    // `echo .` keeps trailing newlines that command substitution would strip.
    `rb_dec() { rb_v=$(printf %s "$1" | base64 -d; echo .); rb_v=\${rb_v%.}; }`,
  ];
  for (const [name, value] of Object.entries(req.env)) {
    if (!NAME_RE.test(name)) throw new Error(`not a variable name: ${JSON.stringify(name)} (this is a bug)`);
    lines.push(`rb_dec ${b64(value)}; ${name}=$rb_v; export ${name}`);
  }
  lines.push(`rb_dec ${b64(req.script)}; rb_script=$rb_v`);
  if (req.shell !== undefined) lines.push(`rb_dec ${b64(req.shell)}; rb_shell=$rb_v`);
  else lines.push(`rb_shell=$(command -v bash 2>/dev/null || echo sh)`);
  if (req.cwd !== undefined) lines.push(`rb_dec ${b64(req.cwd)}; cd -- "$rb_v" || exit 1`);
  // The shell session, when the command runs in bash: the host's state restored (data, in RESTORE_VAR) and
  // reported in frames on fd 3, a copy of our stdout (remoteWrapPrefix). Another shell runs the script as is.
  const session = req.session !== undefined && nonce !== undefined;
  if (session) {
    lines.push(
      `case \${rb_shell##*/} in bash|bash[0-9.]*) rb_dec ${b64(req.session?.restore ?? '')}; ${RESTORE_VAR}=$rb_v; export ${RESTORE_VAR}; rb_dec ${b64(remoteWrapPrefix(nonce))}; rb_script=$rb_v$rb_script;; esac`,
    );
  }
  const fd3 = session ? ' 3>&1' : '';
  lines.push(
    // Without setsid (rare) the command runs in our group and only its shell can be signalled.
    `if command -v setsid >/dev/null 2>&1; then rb_g=-; setsid "$rb_shell" -c "$rb_script" </dev/null${fd3} & else rb_g=; "$rb_shell" -c "$rb_script" </dev/null${fd3} & fi`,
    `rb_pid=$!`,
    // An asynchronous command's stdin is /dev/null unless redirected: fd 3 hands it ours.
    `exec 3<&0`,
    `setsid /bin/sh -c 'cat >/dev/null 2>&1; kill -s TERM -- "$1" 2>/dev/null; sleep ${graceS}; kill -s KILL -- "$1" 2>/dev/null' rb-watchdog "$rb_g$rb_pid" <&3 >/dev/null 2>&1 3<&- &`,
    `rb_w=$!`,
    `wait "$rb_pid"; rb_rc=$?`,
    `kill -s KILL -- "-$rb_w" 2>/dev/null || kill -s KILL "$rb_w" 2>/dev/null`,
    `exit "$rb_rc"`,
  );
  return lines.join('\n');
}

/** What goes on the transport's stdin: the program as one base64 line (then stdin stays open). */
export function remoteStdin(req: TargetRequest, nonce?: string): Buffer {
  return Buffer.from(`${Buffer.from(buildRemoteProgram(req, 2, nonce), 'utf8').toString('base64')}\n`);
}
