// The launcher's program in Perl (perl-base, present wherever Debian or Ubuntu is), and the protocol that it and
// the Python one (launcher-python.ts, preferred where a real python3 is found) speak; launcher.ts falls back to
// Node's spawn without either. One launcher per run starts the run's commands, so the ~60 MB Node process is
// not forked for each one: a fork of it blocked the runner ~5 ms and left it copy-on-write faults to pay after.
//
// Requests come on stdin, each a 4-byte big-endian length and NUL-separated fields (values never pass through
// any shell or parser: they are argv and environment entries, as bytes):
//   R id cwd dump argc argv... NAME=value...   start a command in slot id
// Replies go to stdout, a line each:
//   H               ready
//   F id            slot id is ready: its FIFOs id.1, id.2, id.3 (stdout, stderr, the session dump's fd 3) exist
//                   in the runner's private folder (argv[0] here), held open read-write by the launcher
//   P id pid        forked: the command's pid, before its exec (so a launcher that dies now leaves a known pid)
//   S id pid        started (the command leads its own session and process group)
//   E id errno      could not start (chdir or exec failed; nothing ran)
//   X id status     ended: the raw wait status (exit code and signal, exact)
// The runner opens a slot's read ends before it sends R, so nothing the command writes is lost; the launcher's
// hold (a writer from the start) means a read of the runner's before the command has its ends sees no end of
// file. Once the command has its write ends the launcher lets go and unlinks them.
// A SIGCHLD that lands between the reaping and select(2) would not wake it (Perl runs its handler between
// ops): while commands run, select wakes every 100 ms to reap anyway.
export const LAUNCHER_PL = String.raw`
use strict; use warnings; use POSIX (); use Fcntl;
$^F = 2;
my $dir = $ARGV[0];
my $me = $$;
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
fcntl($wake_w, F_SETFL, fcntl($wake_w, F_GETFL, 0) | O_NONBLOCK);
# Only while the read end is open: on its way out Perl closes it, puts SIGPIPE back to its default, and may still
# run this for a command that ended meanwhile; a write then into the closed pipe would kill it before END.
$SIG{CHLD} = sub { syswrite($wake_w, 'c') if $wake_r && defined fileno $wake_r };
my (%id_of, $in, $env_now, $slot, @hold, @paths);
$in = '';
# However it ends (its input closed, a runner gone mid-reply, a die), its folder goes with it; not from a child.
END { if ($$ == $me) { unlink @paths; rmdir $dir } }
# A runner that died leaves the next reply nowhere to go: end, through END. A handler, not 'IGNORE': exec resets
# it, so every command starts with SIGPIPE's default.
$SIG{PIPE} = sub { exit 0 };
sub reply {
  my $m = shift;
  for (my $off = 0; $off < length $m;) {
    my $n = syswrite(STDOUT, $m, length($m) - $off, $off);
    if (!defined $n) { next if $!{EINTR}; exit 0 }
    $off += $n;
  }
}
sub reap { while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) { my $id = delete $id_of{$pid}; reply("X $id $?\n") if defined $id } }
sub prepare {
  $slot = shift;
  for my $k (1, 2, 3) {
    my $p = "$dir/$slot.$k";
    POSIX::mkfifo($p, 0600) or die "mkfifo: $!";
    push @paths, $p;
    sysopen(my $h, $p, O_RDWR) or die "open: $!";
    push @hold, $h;
  }
  reply("F $slot\n");
}
sub start {
  my ($id, $cwd, $dump, $argc, @rest) = @_;
  return reply("E $id 22\n") if $id ne $slot;
  my @argv = splice(@rest, 0, $argc);
  my (@ends, $pid, $errno);
  for my $k (1, 2, ($dump ? 3 : ())) {
    sysopen(my $w, $paths[$k - 1], O_WRONLY | O_NONBLOCK) or last;
    fcntl($w, F_SETFL, fcntl($w, F_GETFL, 0) & ~O_NONBLOCK);
    push @ends, $w;
  }
  $errno = $! + 0 if @ends < ($dump ? 3 : 2);
  my $env = join("\0", @rest);
  if (!defined $env_now || $env ne $env_now) { %ENV = map { split(/=/, $_, 2) } @rest; $env_now = $env }
  my ($er, $ew);
  if (!defined $errno) { pipe($er, $ew) or $errno = $! + 0 }
  if (!defined $errno) { $pid = fork(); if (!defined $pid) { $errno = $! + 0; close $er; close $ew } }
  if (defined $pid && $pid == 0) {
    close $er;
    POSIX::setsid();
    my $null = POSIX::open('/dev/null', O_RDONLY);
    POSIX::dup2($null, 0);
    POSIX::close($null) if $null != 0;
    POSIX::dup2(fileno($ends[$_ - 1]), $_) for 1 .. scalar @ends;
    if (chdir $cwd) { no warnings 'exec'; exec { $argv[0] } @argv }
    syswrite($ew, pack('N', $! + 0));
    POSIX::_exit(127);
  }
  close $_ for @ends, @hold;
  unlink @paths;
  (@hold, @paths) = ();
  if (defined $pid) {
    reply("P $id $pid\n");
    close $ew;
    my ($got, $err);
    do { $got = sysread($er, $err, 4) } while (!defined $got && $!{EINTR});
    close $er;
    if ($got) { waitpid($pid, 0); $errno = unpack('N', $err) } else { $id_of{$pid} = $id; reply("S $id $pid\n") }
  }
  reply("E $id $errno\n") if defined $errno;
  prepare($slot + 1);
}
reply("H\n");
prepare(1);
while (1) {
  reap();
  my $rin = '';
  vec($rin, 0, 1) = 1;
  vec($rin, fileno($wake_r), 1) = 1;
  my $n = select(my $rout = $rin, undef, undef, %id_of ? 0.1 : undef);
  if ($n < 0) { next if $!{EINTR}; die "select: $!" }
  sysread($wake_r, my $drop, 512) if vec($rout, fileno($wake_r), 1);
  next unless vec($rout, 0, 1);
  my $got = sysread(STDIN, $in, 65536, length $in);
  if (!defined $got) { next if $!{EINTR}; exit 0 }
  exit 0 if $got == 0;
  while (length($in) >= 4 && length($in) >= 4 + unpack('N', $in)) {
    my $len = unpack('N', $in);
    my @f = split(/\0/, substr($in, 4, $len), -1);
    substr($in, 0, 4 + $len) = '';
    start(@f[1 .. $#f]) if $f[0] eq 'R';
  }
}
`;
