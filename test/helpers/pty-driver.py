# Runs a command in a fresh pseudo-terminal: our stdin goes to the terminal as keystrokes, what the terminal
# shows comes out on our stdout. Exits with the command's status (128 + signal when killed by one).
# Usage: python3 pty-driver.py COLS ROWS -- PROGRAM ARGS...
import errno, fcntl, os, pty, select, signal, struct, sys, termios

cols, rows = int(sys.argv[1]), int(sys.argv[2])
argv = sys.argv[sys.argv.index('--') + 1:]

pid, fd = pty.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
sys.stderr.write('PTY_CHILD_PID=%d\n' % pid)
sys.stderr.flush()

# Our own death (the test's timeout) must take the child with it.
def on_term(sig, frame):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    os._exit(137)
signal.signal(signal.SIGTERM, on_term)

stdin_open = True
while True:
    fds = [fd] + ([0] if stdin_open else [])
    try:
        ready, _, _ = select.select(fds, [], [], 0.5)
    except InterruptedError:
        continue
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 4096)
        if not data:
            stdin_open = False
        else:
            os.write(fd, data)

_, status = os.waitpid(pid, 0)
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
