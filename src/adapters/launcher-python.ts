// The launcher's program in Python 3.8 or later: the same protocol as the Perl one (launcher-script.ts describes
// it), preferred where a real python3 is on PATH (launcher.ts). It starts each command with subprocess, which
// on Linux uses vfork(2) (Python 3.10 and later; 3.8 and 3.9 fork, as perl does): no copy of the launcher's
// page tables and no copy-on-write faults after, which were most of perl's cost a command (its fork, then its
// reference counts writing to the pages it shares with the child). ~0.77× of the perl launcher's wall time for
// `run --yes` of 100 commands.
//
// Where it differs from the Perl program, and why it is the same for the command:
// - subprocess returns once the command has exec'd (or failed to): P and S are sent together.
// - subprocess resets every signal the launcher handles or ignores (Python ignores SIGPIPE and SIGXFSZ) to its
//   default in the child, as the Perl launcher's exec does. (os.posix_spawn is not used: glibc 2.36's leaves
//   its two internal signals, 32 and 33, ignored in the command.)
// - The session dump's FIFO reaches the command as fd 3 through pass_fds: fd 3 is the launcher's own from its
//   start (a /dev/null it holds), and for a command with a dump it is the FIFO's write end until the start.
// - A program named without a '/' is looked up on the command's own PATH (subprocess does), and a file without
//   a #! line runs through /bin/sh (ENOEXEC): both as execvp(3) does, for the Perl program and for Node.
// - stdin is /dev/null opened read-only (subprocess.DEVNULL would open it read-write).
// - Every value stays bytes (argv, environment, cwd): nothing is decoded, so nothing can change on the way.
// - SIGCHLD wakes select(2) through signal.set_wakeup_fd, written by the C-level handler: no reaping race.
// - A Popen object is kept until its command is reaped, and then marked done, so that subprocess never polls
//   (and reaps) a pid the launcher waits for itself.
// - A Python older than 3.8, or one whose fd 3 is taken, exits before saying it is ready: the runner then tries
//   the Perl launcher.
export const LAUNCHER_PY = String.raw`
import os, sys, signal, select, atexit, subprocess, errno
if sys.version_info < (3, 8):
    sys.exit(3)
d = os.fsencode(sys.argv[1])
me = os.getpid()
if os.open('/dev/null', os.O_RDONLY) != 3:
    sys.exit(4)
devnull = os.open('/dev/null', os.O_RDONLY)
wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)
signal.signal(signal.SIGCHLD, lambda *a: None)
signal.set_wakeup_fd(wake_w)
running = {}
paths = []
hold = []
st = {'slot': 0, 'env': None, 'envd': None}
def cleanup():
    if os.getpid() != me:
        return
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass
    try:
        os.rmdir(d)
    except OSError:
        pass
atexit.register(cleanup)
def reply(m):
    b = m.encode()
    while b:
        try:
            n = os.write(1, b)
        except OSError:
            sys.exit(0)
        b = b[n:]
def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        r = running.pop(pid, None)
        if r is not None:
            r[1].returncode = status
            reply('X %s %d\n' % (r[0], status))
def prepare(slot):
    st['slot'] = slot
    for k in (1, 2, 3):
        p = b'%s/%d.%d' % (d, slot, k)
        os.mkfifo(p, 0o600)
        paths.append(p)
        hold.append(os.open(p, os.O_RDWR))
    reply('F %d\n' % slot)
def which(name, env):
    for p in os.get_exec_path(env):
        c = os.path.join(os.fsencode(p), name)
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None
def spawn(argv, **kw):
    try:
        return subprocess.Popen(argv, **kw)
    except OSError as e:
        if e.errno != errno.ENOEXEC:
            raise
        path = argv[0] if b'/' in argv[0] else which(argv[0], kw['env'])
        if path is None:
            raise
        return subprocess.Popen([b'/bin/sh', path] + argv[1:], **kw)
def start(f):
    i = f[0].decode('ascii', 'replace')
    if f[0] != b'%d' % st['slot']:
        return reply('E %s 22\n' % i)
    argc = int(f[3])
    argv = f[4:4 + argc]
    envl = f[4 + argc:]
    dump = f[2] == b'1'
    ends = []
    err = None if argv else 22
    try:
        for k in ((1, 2, 3) if dump else (1, 2)):
            w = os.open(paths[k - 1], os.O_WRONLY | os.O_NONBLOCK)
            ends.append(w)
            os.set_blocking(w, True)
    except OSError as e:
        err = e.errno
    key = b'\0'.join(envl)
    if key != st['env']:
        st['envd'] = dict(x.split(b'=', 1) for x in envl)
        st['env'] = key
    proc = None
    if err is None:
        if dump:
            os.dup2(ends[2], 3)
        try:
            proc = spawn(argv, stdin=devnull, stdout=ends[0], stderr=ends[1], pass_fds=(3,) if dump else (), cwd=f[1], env=st['envd'], start_new_session=True)
        except OSError as e:
            err = e.errno
        if dump:
            os.dup2(devnull, 3, inheritable=False)
    for x in ends + hold:
        os.close(x)
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass
    del paths[:], hold[:]
    if proc is not None:
        running[proc.pid] = (i, proc)
        reply('P %s %d\nS %s %d\n' % (i, proc.pid, i, proc.pid))
    if err is not None:
        reply('E %s %d\n' % (i, err))
    prepare(st['slot'] + 1)
reply('H\n')
prepare(1)
buf = b''
while True:
    reap()
    r = select.select([0, wake_r], [], [], 0.1 if running else None)[0]
    if wake_r in r:
        os.read(wake_r, 512)
    if 0 not in r:
        continue
    got = os.read(0, 65536)
    if not got:
        sys.exit(0)
    buf += got
    while len(buf) >= 4:
        n = int.from_bytes(buf[:4], 'big')
        if len(buf) < 4 + n:
            break
        f = buf[4:4 + n].split(b'\0')
        buf = buf[4 + n:]
        if f[0] == b'R':
            start(f[1:])
`;
