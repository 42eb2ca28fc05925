// Commands that run another command: `sudo -u root rm …` is an `rm`. unwrap() says what a wrapper runs, as
// an argument list or as a script to lex again (`ssh host 'rm …'`, `sh -c …`, `watch …`); options are
// skipped with the list of those that take a value, so `timeout -s KILL 5 rm` is read as rm.

/** What a wrapper runs: another argument list, or shell text. */
export type Inner = { argv: string[] } | { script: string };

export const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** POSIX-like shells: a block run with one of these is shell text the lexer can read. */
export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'posh', 'yash', 'ksh93', 'rbash']);

/**
 * The index of the first positional argument from `i` on: options are skipped, with the next word too when
 * the option is in `valueOpts` (`-u root`); `-uroot` and `--user=root` carry their value. `--` ends options.
 */
export function skipOptions(args: readonly string[], i: number, valueOpts: readonly string[]): number {
  while (i < args.length) {
    const a = args[i] as string;
    if (a === '--') return i + 1;
    if (!a.startsWith('-') || a === '-') return i;
    i += valueOpts.includes(a) ? 2 : 1;
  }
  return i;
}

const rest = (args: readonly string[], i: number): Inner[] => (i < args.length ? [{ argv: args.slice(i) }] : []);
const script = (words: readonly string[]): Inner[] => (words.length > 0 ? [{ script: words.join(' ') }] : []);

type Unwrapper = (args: string[]) => Inner[];

/** `prog [options] cmd…` with the options that take a value. */
const simple =
  (valueOpts: readonly string[], positionalsBefore = 0): Unwrapper =>
  (args) => {
    let i = skipOptions(args, 0, valueOpts);
    for (let k = 0; k < positionalsBefore; k++) i = skipOptions(args, i + 1, valueOpts);
    return rest(args, i);
  };

/** `sh -c 'script'` (also `bash -euo pipefail -c …`, `-xc`): the script; a shell without -c reads a file or stdin. */
const shell: Unwrapper = (args) => {
  let i = 0;
  let c = false;
  while (i < args.length && (args[i] as string).startsWith('-') && args[i] !== '--') {
    const a = args[i] as string;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)) c = true;
    i += /^[-+][a-zA-Z]*[oO]$/.test(a) ? 2 : 1; // -o pipefail, -euo pipefail
  }
  if (args[i] === '--') i++;
  return c && i < args.length ? [{ script: args[i] as string }] : [];
};

const WRAPPERS: Record<string, Unwrapper> = {
  sudo: (args) => {
    let i = skipOptions(args, 0, ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '-R', '--user', '--group', '--host', '--prompt', '--chdir', '--role', '--type', '--other-user', '--close-from', '--chroot', '--command-timeout']);
    while (i < args.length && /^[A-Za-z_]\w*=/.test(args[i] as string)) i++; // sudo NAME=value cmd
    return rest(args, i);
  },
  doas: simple(['-u', '-C']),
  env: (args) => {
    let i = 0;
    while (i < args.length) {
      const a = args[i] as string;
      if (a === '-S' || a === '--split-string') return script(args.slice(i + 1));
      if (a.startsWith('--split-string=')) return script([a.slice('--split-string='.length), ...args.slice(i + 1)]);
      if (a === '--') {
        i++;
        break;
      }
      if (a.startsWith('-') && a !== '-') i += a === '-u' || a === '-C' || a === '--unset' || a === '--chdir' ? 2 : 1;
      else if (/^[A-Za-z_]\w*=/.test(a)) i++;
      else break;
    }
    return rest(args, i);
  },
  // `command -v rm` only looks rm up.
  command: (args) => (args.some((a) => a === '-v' || a === '-V') ? [] : rest(args, skipOptions(args, 0, []))),
  exec: simple(['-a']),
  nice: simple(['-n', '--adjustment']),
  ionice: (args) => (args.includes('-p') || args.includes('-P') ? [] : simple(['-c', '-n', '--class', '--classdata'])(args)),
  nohup: simple([]),
  setsid: simple([]),
  time: simple(['-f', '-o', '--format', '--output']),
  stdbuf: simple(['-i', '-o', '-e', '--input', '--output', '--error']),
  chroot: simple(['--userspec', '--groups'], 1),
  timeout: simple(['-s', '--signal', '-k', '--kill-after'], 1),
  taskset: (args) => (args.some((a) => a === '-p' || a === '--pid' || a.startsWith('-p')) ? [] : simple([], 1)(args)),
  chrt: (args) => (args.some((a) => a === '-p' || a === '--pid') ? [] : simple(['-T', '-P', '-D'], 1)(args)),
  nsenter: simple(['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-w', '--wd', '-r', '--root']),
  unshare: simple(['--propagation', '--setgroups', '--map-user', '--map-group']),
  runuser: (args) => su(args),
  xargs: simple(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--eof', '--replace', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--process-slot-var']),
  // GNU parallel: the command comes before `:::`; without arguments after it, input lines are commands.
  parallel: (args) => {
    const end = args.findIndex((a) => a === ':::' || a === '::::' || a === ':::+');
    const cmd = args.slice(skipOptions(args, 0, ['-j', '--jobs', '-S', '--sshlogin', '-a', '--arg-file', '--delay', '--timeout', '-d', '--delimiter']), end < 0 ? undefined : end);
    return script(cmd);
  },
  // watch hands its arguments to `sh -c` joined by spaces, unless -x (--exec).
  watch: (args) => {
    const i = skipOptions(args, 0, ['-n', '--interval', '-q', '--equexit']);
    return args.slice(0, i).some((a) => a === '-x' || a === '--exec') ? rest(args, i) : script(args.slice(i));
  },
  flock: (args) => {
    const opts = ['-w', '--timeout', '-E', '--conflict-exit-code'];
    const i = skipOptions(args, 0, opts);
    const j = skipOptions(args, i + 1, opts);
    const k = args.findIndex((a, n) => n > i && (a === '-c' || a === '--command'));
    if (k >= 0) return script(args.slice(k + 1, k + 2));
    return rest(args, j);
  },
  // ssh joins everything after the host into one command line for the remote shell.
  ssh: (args) => {
    const i = skipOptions(args, 0, ['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B', '-P']);
    return script(args.slice(i + 1));
  },
  su: (args) => su(args),
  coproc: simple([]),
  noglob: simple([]),
  unbuffer: simple([]),
  // `script -qc 'cmd' /dev/null` runs cmd under a pseudo-terminal.
  script: (args) => su(args),
  eval: (args) => script(args),
  busybox: (args) => rest(args, 0),
  sh: shell,
  find: (args) => {
    const inner: Inner[] = [];
    for (let i = 0; i < args.length; i++) {
      if (!/^-(?:exec|execdir|ok|okdir)$/.test(args[i] as string)) continue;
      const end = args.findIndex((a, n) => n > i && (a === ';' || a === '+'));
      inner.push({ argv: args.slice(i + 1, end < 0 ? undefined : end) });
    }
    return inner;
  },
};
for (const s of SHELLS) WRAPPERS[s] = shell;

/** `su [-] [user] -c 'script'` (also `script -qc`): only the script runs something we can see (without -c, a shell). */
function su(args: string[]): Inner[] {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c' || a === '--command' || /^-[a-zA-Z]+c$/.test(a)) return script(args.slice(i + 1, i + 2));
    if (a.startsWith('--command=')) return [{ script: a.slice('--command='.length) }];
  }
  return [];
}

/** `docker run` options that take a value. */
const RUN_OPTS = [
  '-v', '--volume', '-e', '--env', '--env-file', '-p', '--publish', '--name', '--network', '--net', '-w', '--workdir', '-u', '--user', '--entrypoint',
  '--mount', '-l', '--label', '--cpus', '-m', '--memory', '--platform', '--pull', '--restart', '-h', '--hostname', '--add-host', '--device',
  '--cap-add', '--cap-drop', '--security-opt', '--tmpfs', '--ulimit', '--log-driver', '--log-opt', '--pid', '--ipc', '--uts', '--userns',
  '--dns', '--gpus', '--shm-size', '--stop-signal', '--stop-timeout', '--health-cmd', '--cidfile', '--runtime', '--group-add',
];

/** `kubectl exec pod -- cmd`, `docker exec ctr cmd`, `docker run image cmd`: what runs inside, or undefined. */
function execIn(prog: string, args: string[]): Inner[] | undefined {
  if (prog === 'kubectl' || prog === 'oc' || prog === 'k') {
    const i = skipOptions(args, 0, ['-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--token', '--as']);
    if (args[i] !== 'exec' && args[i] !== 'debug') return undefined;
    const dash = args.indexOf('--', i);
    if (dash >= 0) return rest(args, dash + 1);
    // The old form `kubectl exec pod cmd…` (and what is left of `node/<NAME> -- …` once the shell took `<` and `>`).
    const pod = skipOptions(args, i + 1, ['-c', '--container', '-n', '--namespace', '--image', '--profile']);
    return rest(args, skipOptions(args, pod + 1, ['-c', '--container']));
  }
  if (prog === 'docker' || prog === 'podman' || prog === 'nerdctl') {
    let i = skipOptions(args, 0, ['-H', '--host', '--context', '--config']);
    if (args[i] === 'container') i++;
    if (args[i] === 'run') return rest(args, skipOptions(args, i + 1, RUN_OPTS) + 1); // `docker run [opts] IMAGE cmd…`
    if (args[i] !== 'exec') return undefined;
    i = skipOptions(args, i + 1, ['-e', '--env', '-u', '--user', '-w', '--workdir', '--env-file', '--detach-keys']);
    return rest(args, i + 1);
  }
  return undefined;
}

/** What `argv` runs besides itself when its program is a wrapper; undefined when it is not one. */
export function unwrap(argv: readonly string[]): Inner[] | undefined {
  const prog = basename(argv[0] ?? '');
  const args = argv.slice(1);
  const f = Object.hasOwn(WRAPPERS, prog) ? WRAPPERS[prog] : undefined;
  return f ? f(args) : execIn(prog, args);
}
