# The keeper (io.jenkins.plugins.selftest.engine.process.Keeper): the parent of many processes, so that one JVM
# thread hears every exit and every exit is recorded even after the JVM that asked for the process has died.
# Its compiled twin, src/main/c/keeper.c, keeps the same protocol and is used where it can run; this one is the
# fallback (another architecture, a temporary directory mounted noexec, SELFTEST_KEEPER=perl). A change to one is a
# change to both: KeeperIT and PerlKeeperIT run the same tests on each.
#
# Requests on stdin, one per record: "S <n>\n" and n fields, each "<length>\n<bytes>":
#   id, flags (s: new session, c: clear the environment, t: truncate the output file, d: discard the output),
#   working directory, output file, cgroup.procs file, pid file, exit file ('' for none), argc, argv..., then
#   name and value of each variable to set.
#   "A <n>\n" and n fields: an armed start, the pid of a live child, the exit codes that do not start it (comma
#   separated), then the fields of "S": started as soon as that child has ended with any other code, without waiting
#   for the JVM (a supervisor's restart that its policy decided in advance). "D <id>\n" disarms one not started yet.
# Answers on stdout, one line each: "S <id> <pid>" started, "F <id> <why>" not started, "X <pid> <code>" ended
# (code 128 + the signal for a process killed by one, as the JDK reports it).
# When stdin ends (the JVM stopped or died) it keeps recording exits until its last child has ended, then exits.
# Arguments: its name in ps, then 'fork' to never start a child inside its cgroup with clone3 (see clone_into).
use strict;
use warnings;
use POSIX ();
use Fcntl ();

$0 = $ARGV[0] if @ARGV;    # its name in ps
$SIG{PIPE} = 'IGNORE';
pipe(my $wake_r, my $wake_w) or die "keeper: pipe: $!";
for my $fh ($wake_r, $wake_w) {
    fcntl($fh, Fcntl::F_SETFL(), fcntl($fh, Fcntl::F_GETFL(), 0) | Fcntl::O_NONBLOCK()) or die "keeper: fcntl: $!";
}
$SIG{CHLD} = sub { syswrite($wake_w, 'x') };
STDOUT->autoflush(1);

# clone3(2) with CLONE_INTO_CGROUP starts a child inside its cgroup. Moving it in after the fork (a write to
# cgroup.procs) takes the kernel's cgroup-wide write lock, which waits for an RCU grace period: 10-15 ms per start on
# an otherwise idle machine, most of a restart. Linux 5.7+; where clone3 is refused (an older kernel, a seccomp
# filter) the child is forked and moves itself in as before.
my $CLONE3 = 435;    # the same number on every architecture (one of the syscalls added after the tables merged)
my $CLONE_INTO_CGROUP = 2**33;
my $SIGCHLD = 17;
my $O_DIRECTORY = 0200000;
my $clone3 = !(@ARGV > 1 && $ARGV[1] eq 'fork');    # 'fork': always fork and join (tested on kernels with clone3)

my %exit_file;    # pid of a live child => its exit file ('' for none)
my %armed;        # pid of a live child => [codes that do not start it, fields of the start]
my $input = 1;
my $buf = '';

my $gathered;    # answers to a batch of requests, written once after all of them (undef: each is written at once)

sub say_line {
    if (defined $gathered) {
        $gathered .= $_[0] . "\n";
    } else {
        # a line is far below a pipe's atomic 4 KiB: written whole or not at all (a JVM that has died leaves a broken
        # pipe: the exit files are what counts then)
        syswrite(STDOUT, $_[0] . "\n");
    }
}

sub write_all {
    my ($text) = @_;
    while ($text ne '') {
        # more than a pipe's atomic 4 KiB can be written in part (a signal, a reader behind)
        my $written = syswrite(STDOUT, $text);
        if (!defined $written) {
            next if $!{EINTR};
            return;    # a JVM that has died leaves a broken pipe: the exit files are what counts then
        }
        substr($text, 0, $written) = '';
    }
}

sub reap {
    # first every armed successor of the children that have ended, then the records of those ends: in a burst of
    # exits a restart waits for the forks before it, not for their files too
    my @ended;
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $status = $?;
        my $code = ($status & 127) ? 128 + ($status & 127) : $status >> 8;
        next unless exists $exit_file{$pid};
        my $armed = delete $armed{$pid};
        my $skipped = $armed && grep { $_ eq $code } split(/,/, $armed->[0]);
        spawn(@$armed[1 .. $#$armed]) if $armed && !$skipped;
        push @ended, [$pid, $code, delete $exit_file{$pid}, $skipped ? $armed->[1] : undef];
    }
    for my $end (@ended) {
        my ($pid, $code, $file, $skipped_id) = @$end;
        if ($file ne '' && open(my $fh, '>', "$file.tmp")) {
            print $fh "$code\n";
            close $fh and rename("$file.tmp", $file);
        }
        say_line("X $pid $code");
        say_line("F $skipped_id not started: the run before it exited with $code") if defined $skipped_id;
    }
}

sub arm {
    my ($after, $skip, @request) = @_;
    if (exists $exit_file{$after} && !grep { $_->[1] eq $request[0] } values %armed) {
        $armed{$after} = [$skip, @request];
    } else {
        say_line("F $request[0] not armed: process $after has ended");
    }
}

sub disarm {
    my ($id) = @_;
    for my $pid (keys %armed) {
        if ($armed{$pid}[1] eq $id) {
            delete $armed{$pid};
            say_line("F $id disarmed");
        }
    }
}

# one complete request from $buf (its type, then its fields), or nothing yet
sub take {
    if ($buf =~ /\AD (\d+)\n/) {
        substr($buf, 0, $+[0]) = '';
        return ('D', $1);
    }
    return () unless $buf =~ /\A([SA]) (\d+)\n/;
    my ($type, $n, $pos) = ($1, $2, $+[0]);
    my @fields;
    for (1 .. $n) {
        # matched in place (\G from pos): a copy of the rest of the buffer per field made a burst of requests
        # quadratic
        pos($buf) = $pos;
        return () unless $buf =~ /\G(\d+)\n/gc;
        my ($len, $start) = ($1, $+[0]);
        return () if length($buf) < $start + $len;
        push @fields, substr($buf, $start, $len);
        $pos = $start + $len;
    }
    substr($buf, 0, $pos) = '';
    return ($type, @fields);
}

# a child born in the cgroup whose cgroup.procs file is given: (pid, 1), 0 in the child. Where clone3 cannot be used
# it forks instead: (pid, 0), and the child still has to join; (undef, 0) when even the fork failed
sub clone_into {
    my ($procs) = @_;
    if ($clone3 && $procs =~ m{\A(.+)/cgroup\.procs\z} && sysopen(my $dir, $1, Fcntl::O_RDONLY() | $O_DIRECTORY)) {
        my $args = pack('Q<11', $CLONE_INTO_CGROUP, 0, 0, 0, $SIGCHLD, 0, 0, 0, 0, 0, fileno($dir));
        my $pid = syscall($CLONE3, $args, length $args);
        return ($pid, 1) if $pid >= 0;
        # refused for good (no clone3, seccomp, a kernel without CLONE_INTO_CGROUP): fork from now on
        $clone3 = 0 if $!{ENOSYS} || $!{EPERM} || $!{E2BIG} || $!{EINVAL};
    }
    return (fork(), 0);
}

sub spawn {
    my ($id, $flags, $dir, $out, $cgroup, $pid_file, $exit_file, $argc, @rest) = @_;
    my @argv = splice(@rest, 0, $argc);
    my %env = @rest;
    my ($pid, $joined) = $cgroup eq '' ? (fork(), 0) : clone_into($cgroup);
    if (!defined $pid) {
        say_line("F $id fork failed: $!");
        return;
    }
    if ($pid == 0) {
        # every step here is on a restart's path: the SIGCHLD handler is not reset, as the exec resets it (an ignored
        # SIGPIPE would stay ignored)
        $SIG{PIPE} = 'DEFAULT';
        POSIX::setsid() if $flags =~ /s/;
        # join the cgroup before anything else runs, so nothing the process forks is ever outside it
        if (!$joined && $cgroup ne '' && open(my $fh, '>', $cgroup)) {
            print $fh "$$\n";
            close $fh;
        }
        if ($pid_file ne '' && open(my $fh, '>', $pid_file)) {
            print $fh "$$\n";
            close $fh;
        }
        open(STDIN, '<', '/dev/null');
        if ($flags =~ /d/ || $out eq '') {
            open(STDOUT, '>', '/dev/null');
        } elsif (!open(STDOUT, $flags =~ /t/ ? '>' : '>>', $out)) {
            POSIX::_exit(127);
        }
        open(STDERR, '>&', \*STDOUT);
        if ($dir ne '' && !chdir($dir)) {
            print STDERR "cannot start '$argv[0]': working directory $dir: $!\n";
            POSIX::_exit(127);
        }
        %ENV = () if $flags =~ /c/;
        @ENV{keys %env} = values %env;
        { exec { $argv[0] } @argv; }
        print STDERR "cannot start '$argv[0]': $!\n";
        POSIX::_exit(127);
    }
    $exit_file{$pid} = $exit_file;
    say_line("S $id $pid");
}

while (1) {
    reap();
    last if !$input && !%exit_file;
    my $rin = '';
    vec($rin, fileno(STDIN), 1) = 1 if $input;
    vec($rin, fileno($wake_r), 1) = 1;
    my $ready = select(my $rout = $rin, undef, undef, undef);
    next if $ready <= 0;
    if (vec($rout, fileno($wake_r), 1)) {
        1 while sysread($wake_r, my $drain, 4096);
    }
    if ($input && vec($rout, fileno(STDIN), 1)) {
        my $got = sysread(STDIN, $buf, 65536, length $buf);
        if (defined $got && $got == 0) {
            # nobody to tell about a restart: a run that ends now stays ended, as without a supervisor
            $input = 0;
            say_line("F $_->[1] the keeper's input has ended") for values %armed;
            %armed = ();
        } elsif (defined $got) {
            # the starts among the requests that have arrived are made after all of them are read, one after the
            # other, and answered in one write: after a fork every page the keeper writes is copied for it, so the
            # less it does between the forks of a burst, the cheaper each fork (reading a request between two starts
            # made a burst of 100 starts take 1.18x as long on a virtual machine whose page faults are dear). Arms and
            # disarms are made and answered as they are read, as before, and so are an exit's answers.
            my @starts;
            while (my ($type, @request) = take()) {
                if ($type eq 'S') {
                    push @starts, \@request;
                } elsif ($type eq 'A') {
                    arm(@request);
                } else {
                    disarm(@request);
                }
            }
            if (@starts) {
                $gathered = '';
                spawn(@$_) for @starts;
                my $answers = $gathered;
                undef $gathered;
                write_all($answers);
            }
        }
    }
}
