package io.jenkins.plugins.selftest.engine.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keeper with real processes: the command itself is the child (no wrapper, no setsid exec), in its own session,
 * with its environment, directory and output; one thread for any number of children; exits recorded in the exit files
 * also when nobody listens any more; a keeper that is killed is replaced and its orphans still end. And the same
 * record kept by {@link ProcessLauncher}'s wrapper where there is no keeper.
 *
 * <p>Here with the compiled keeper, which this build must have made ({@code cc} is part of the build machine's
 * setup); {@link PerlKeeperIT} runs every test again with {@code keeper.pl}.
 */
class KeeperIT {

    /** The keeper these tests run. */
    Keeper.Kind kind() {
        return Keeper.Kind.COMPILED;
    }

    @TempDir
    Path tmp;

    private final List<LaunchedProcess> started = new ArrayList<>();
    private final Keeper keeper = Keeper.of("keeper-it", Thread::new, true, kind()).orElseThrow(
            () -> new IllegalStateException("no keeper: " + Keeper.available().orElse("")));

    @AfterEach
    void cleanUp() {
        ProcessTree.stopAll(started.stream().map(p -> new ProcessTree.Tree(p.pid(), p.cookie(), Signal.KILL, Duration.ZERO)).toList());
        keeper.close();
    }

    private LaunchedProcess start(LaunchSpec.Builder spec) throws IOException {
        LaunchedProcess p = keeper.start(spec.build());
        started.add(p);
        return p;
    }

    @Test
    void theKeeperThatRunsIsTheOneAskedForNamedForItsOwnerInPs() throws Exception {
        start(LaunchSpec.argv("true").output(LaunchSpec.Output.discard()));
        long pid = keeper.pid().orElseThrow();
        Path program = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));

        assertThat(keeper.kind()).isEqualTo(kind());
        if (kind() == Keeper.Kind.COMPILED) {
            assertThat(Optional.of(program)).isEqualTo(KeeperBinary.installed().file());
            assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim()).isEqualTo("selftest-keeper");
        } else {
            assertThat(program.getFileName().toString()).startsWith("perl");
        }
        assertThat(cmdline(pid).trim()).isEqualTo("selftest-keeper keeper-it");
    }

    @Test
    void aCompiledKeeperThatCannotBeRunHereGivesWayToPerl() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kind() == Keeper.Kind.COMPILED, "the compiled keeper's fallback");
        Path copy = tmp.resolve("selftest-keeper");
        Files.copy(KeeperBinary.installed().file().orElseThrow(), copy);
        Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Keeper unrunnable = Keeper.of("keeper-it-unrunnable", Thread::new, true, Keeper.Kind.COMPILED,
                new KeeperBinary.Installed(Optional.of(copy), "")).orElseThrow();
        try {
            LaunchedProcess p = unrunnable.start(LaunchSpec.argv("/bin/sh", "-c", "exit 4").output(LaunchSpec.Output.discard()).build());
            started.add(p);

            assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process().exitValue()).isEqualTo(4);
            assertThat(unrunnable.kind()).isEqualTo(Keeper.Kind.PERL);
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(unrunnable.pid().orElseThrow()), "exe"))
                    .getFileName().toString()).startsWith("perl");
        } finally {
            unrunnable.close();
        }
    }

    @Test
    void theCommandItselfIsTheChildInItsOwnSessionWithItsEnvironmentDirectoryAndOutput() throws Exception {
        Path log = tmp.resolve("logs/api.log");
        Path work = Files.createDirectories(tmp.resolve("work dir"));
        LaunchedProcess p = start(LaunchSpec.argv("/bin/sh", "-c", "echo \"$GREETING $SELFTEST_COOKIE\"; pwd; echo oops >&2; exec sleep 300")
                .env("GREETING", "hello 'world'").cookie("it.api.1").workingDir(work)
                .exitRecord(tmp.resolve("api.1.spawn"), tmp.resolve("api.1.exit")).output(LaunchSpec.Output.toFile(log)));

        await("the output", () -> read(log).contains("oops"));
        await("the exec of sleep", () -> cmdline(p.pid()).startsWith("sleep"));
        assertThat(read(log)).isEqualTo("hello 'world' it.api.1\n" + work + "\noops\n");
        assertThat(read(tmp.resolve("api.1.spawn")).trim()).isEqualTo(Long.toString(p.pid()));
        assertThat(ProcessTree.processGroup(p.pid())).as("leads its own group").contains(p.pid());
        assertThat(ProcessHandle.of(p.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .as("a child of the keeper, not of this JVM").isEqualTo(keeper.pid());
        assertThat(ProcessTree.cookie(p.pid())).contains("it.api.1");
        assertThat(p.process().isAlive()).isTrue();

        p.stop(Signal.TERM, Duration.ofSeconds(5));

        assertThat(p.process().exitValue()).as("128 + TERM, as the JDK reports a signal").isEqualTo(143);
        await("the exit file", () -> read(tmp.resolve("api.1.exit")).equals("143\n"));
    }

    @Test
    void fieldsThatAreNotAsciiArriveWholeAndTheRequestsAfterThemToo() throws Exception {
        // a request's lengths are in bytes: a field of two-, three- and four-byte characters must not shift the next
        Path log = tmp.resolve("logs/grüße.log");
        start(LaunchSpec.argv("/bin/sh", "-c", "echo \"$GREETING\" \"$1\"", "sh", "naïve ☃ 😀").env("GREETING", "grüße")
                .output(LaunchSpec.Output.toFile(log)));
        Path after = tmp.resolve("logs/after.log");
        start(LaunchSpec.argv("/bin/sh", "-c", "echo \"$PLAIN\"").env("PLAIN", "ascii only").output(LaunchSpec.Output.toFile(after)));

        await("both outputs", () -> read(log).endsWith("\n") && read(after).endsWith("\n"));
        assertThat(read(log)).isEqualTo("grüße naïve ☃ 😀\n");
        assertThat(read(after)).isEqualTo("ascii only\n");
    }

    @Test
    void oneThreadHearsTheExitsOfAnyNumberOfChildren() throws Exception {
        start(LaunchSpec.argv("true").output(LaunchSpec.Output.discard())).onExit().get(30, TimeUnit.SECONDS);
        int before = ManagementFactory.getThreadMXBean().getThreadCount();
        List<LaunchedProcess> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(start(LaunchSpec.argv("sleep", "300").output(LaunchSpec.Output.discard())
                    .exitRecord(tmp.resolve(i + ".spawn"), tmp.resolve(i + ".exit"))));
        }
        await("all 60 running", () -> many.stream().allMatch(p -> cmdline(p.pid()).startsWith("sleep")));

        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).as("threads with 60 children")
                .isLessThanOrEqualTo(before + 2);
        assertThat(keeper.live()).isEqualTo(60);

        many.forEach(p -> ProcessTree.send(p.pid(), Signal.TERM));
        for (LaunchedProcess p : many) {
            assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process().exitValue()).isEqualTo(143);
        }
        assertThat(keeper.live()).isZero();
    }

    @Test
    void exitCodesAreRecordedAfterTheStarterHasGoneAndTheKeeperEndsWithItsLastChild() throws Exception {
        Path release = tmp.resolve("release");
        LaunchedProcess p = start(LaunchSpec.argv("/bin/sh", "-c", "while [ ! -e '" + release + "' ]; do sleep 0.05; done; exit 7")
                .output(LaunchSpec.Output.discard()).exitRecord(tmp.resolve("r.spawn"), tmp.resolve("r.exit")));
        long keeperPid = keeper.pid().orElseThrow();

        // what the keeper sees when its JVM dies: its input ends. It stays for its child.
        keeper.close();
        Thread.sleep(300);
        assertThat(ProcessTree.isRunning(keeperPid)).as("the keeper waits for its child").isTrue();
        assertThatThrownBy(() -> keeper.start(LaunchSpec.argv("true").output(LaunchSpec.Output.discard()).build()))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");

        Files.createFile(release);
        await("the exit file", () -> read(tmp.resolve("r.exit")).equals("7\n"));
        await("the keeper's end", () -> !ProcessTree.isRunning(keeperPid));
        assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).as("reported while this JVM still reads").isTrue();
        assertThat(p.process().exitValue()).isEqualTo(7);
        assertThat(Files.list(tmp).map(f -> f.getFileName().toString())).as("no temporary file left")
                .containsExactlyInAnyOrder("r.spawn", "r.exit", "release");
    }

    @Test
    void anArmedStartBeginsTheMomentItsPredecessorEndsUnlessItsCodeIsSkipped() throws Exception {
        Path release = tmp.resolve("release");
        String waitThenExit = "while [ ! -e '" + release + "' ]; do sleep 0.02; done; rm -f '" + release + "'; exit ";
        LaunchedProcess first = start(LaunchSpec.argv("/bin/sh", "-c", waitThenExit + "3").output(LaunchSpec.Output.discard()));
        Keeper.Armed second = keeper.arm(first.pid(), Set.of(0, 127), LaunchSpec.argv("/bin/sh", "-c", waitThenExit + "0")
                .cookie("it.armed.2").exitRecord(tmp.resolve("a.2.spawn"), tmp.resolve("a.2.exit"))
                .output(LaunchSpec.Output.discard()).build());
        Thread.sleep(200);
        assertThat(second.started()).as("nothing starts while the first runs").isNotDone();

        Files.createFile(release);
        LaunchedProcess next = second.started().get(30, TimeUnit.SECONDS);
        started.add(next);
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.process().exitValue()).isEqualTo(3);
        assertThat(next.pid()).isNotEqualTo(first.pid());
        assertThat(ProcessHandle.of(next.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).isEqualTo(keeper.pid());
        await("its pid in its spawn record", () -> read(tmp.resolve("a.2.spawn")).trim().equals(Long.toString(next.pid())));
        // the keeper reports the start at the fork and the child writes its spawn record before its exec; the
        // environment in /proc is the exec'd one
        await("the exec of sh", () -> cmdline(next.pid()).startsWith("/bin/sh"));
        assertThat(ProcessTree.cookie(next.pid())).contains("it.armed.2");

        // armed after the second, which exits 0: a skipped code, so the third never starts
        Keeper.Armed third = keeper.arm(next.pid(), Set.of(0, 127), LaunchSpec.argv("sleep", "300")
                .output(LaunchSpec.Output.discard()).build());
        Files.createFile(release);
        assertThat(next.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> third.started().get(30, TimeUnit.SECONDS)).hasMessageContaining("exited with 0");
        assertThat(keeper.live()).isZero();
    }

    /**
     * In a burst of exits the keeper starts every armed successor before it writes the exit records and reports
     * the exits: a restart waits for the forks before it, not for their files as well. The keeper is stopped while
     * five children die, so that it finds all five at once when it goes on; the order of its report lines is then
     * the order in which the futures complete, on its one reader thread.
     */
    @Test
    void inABurstOfExitsEveryArmedSuccessorStartsBeforeAnyExitIsRecorded() throws Exception {
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<LaunchedProcess> firsts = new ArrayList<>();
        List<Keeper.Armed> successors = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LaunchedProcess first = start(LaunchSpec.argv("sleep", "300").exitRecord(tmp.resolve(i + ".1.spawn"),
                    tmp.resolve(i + ".1.exit")).output(LaunchSpec.Output.discard()));
            Keeper.Armed next = keeper.arm(first.pid(), Set.of(), LaunchSpec.argv("sleep", "300")
                    .exitRecord(tmp.resolve(i + ".2.spawn"), tmp.resolve(i + ".2.exit")).output(LaunchSpec.Output.discard()).build());
            int n = i;
            first.process().onExit().thenRun(() -> order.add("exited " + n));
            next.started().thenAccept(p -> {
                started.add(p);
                order.add("started " + n);
            });
            firsts.add(first);
            successors.add(next);
        }
        Thread.sleep(200); // the arming has reached the keeper
        long keeperPid = keeper.pid().orElseThrow();
        signal("STOP", keeperPid);
        try {
            for (LaunchedProcess first : firsts) {
                signal("KILL", first.pid());
            }
            for (LaunchedProcess first : firsts) {
                await("process " + first.pid() + " a zombie", () -> state(first.pid()) == 'Z');
            }
        } finally {
            signal("CONT", keeperPid);
        }
        for (int i = 0; i < 5; i++) {
            successors.get(i).started().get(30, TimeUnit.SECONDS);
            assertThat(firsts.get(i).process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            int n = i;
            await("the exit record of " + n, () -> read(tmp.resolve(n + ".1.exit")).equals("137\n"));
        }
        // the callbacks run on the reader thread just after the futures this thread waited for have completed
        await("the five starts and the five exits reported", () -> order.size() == 10);
        assertThat(order.subList(0, 5)).as("the five starts come first, then the five exits: " + order)
                .allMatch(line -> line.startsWith("started "));
        assertThat(order.subList(5, 10)).allMatch(line -> line.startsWith("exited "));
    }

    private static void signal(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }

    private static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    @Test
    void aDisarmedStartNeverBeginsAndNothingIsArmedAfterAProcessHasEnded() throws Exception {
        LaunchedProcess running = start(LaunchSpec.argv("sleep", "300").output(LaunchSpec.Output.discard()));
        Keeper.Armed armed = keeper.arm(running.pid(), Set.of(), LaunchSpec.argv("sleep", "300")
                .output(LaunchSpec.Output.discard()).build());
        armed.disarm();
        assertThatThrownBy(() -> armed.started().get(30, TimeUnit.SECONDS)).hasMessageContaining("disarmed");
        running.stop(Signal.TERM, Duration.ofSeconds(5));
        Thread.sleep(200);
        assertThat(keeper.live()).as("the disarmed start did not begin").isZero();

        Keeper.Armed late = keeper.arm(running.pid(), Set.of(), LaunchSpec.argv("sleep", "300")
                .output(LaunchSpec.Output.discard()).build());
        assertThatThrownBy(() -> late.started().get(30, TimeUnit.SECONDS)).hasMessageContaining("has ended");
    }

    @Test
    void whenItsInputEndsTheKeeperDropsWhatIsArmed() throws Exception {
        Path release = tmp.resolve("release");
        LaunchedProcess p = start(LaunchSpec.argv("/bin/sh", "-c", "while [ ! -e '" + release + "' ]; do sleep 0.02; done; exit 1")
                .output(LaunchSpec.Output.discard()));
        Keeper.Armed armed = keeper.arm(p.pid(), Set.of(), LaunchSpec.argv("sleep", "300")
                .cookie("it.dropped." + System.nanoTime()).output(LaunchSpec.Output.discard()).build());

        keeper.close(); // as when the supervisor's JVM dies: a run that ends then is not restarted
        assertThatThrownBy(() -> armed.started().get(30, TimeUnit.SECONDS)).hasMessageContaining("input has ended");
        Files.createFile(release);
        assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keeper.live()).isZero();
    }

    @Test
    void aKilledKeeperIsReplacedAndWhatItStartedStillEnds() throws Exception {
        LaunchedProcess orphan = start(LaunchSpec.argv("sleep", "300").output(LaunchSpec.Output.discard()));
        long first = keeper.pid().orElseThrow();

        ProcessTree.send(first, Signal.KILL);
        await("the keeper's loss", () -> keeper.pid().isEmpty());
        LaunchedProcess next = start(LaunchSpec.argv("/bin/sh", "-c", "exit 3").output(LaunchSpec.Output.discard()));

        assertThat(next.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(next.process().exitValue()).isEqualTo(3);
        assertThat(keeper.pid()).isPresent().isNotEqualTo(Optional.of(first));
        assertThat(orphan.process().isAlive()).isTrue();
        ProcessTree.send(orphan.pid(), Signal.KILL);
        assertThat(orphan.process().waitFor(30, TimeUnit.SECONDS)).as("watched by pid once its keeper is gone").isTrue();
        assertThat(orphan.process().exitValue()).isEqualTo(Keeper.UNKNOWN_EXIT);
    }

    @Test
    void aProgramThatCannotRunEndsWith127AndSaysWhyAndAMissingDirectoryFailsTheStart() throws Exception {
        Path log = tmp.resolve("missing.log");
        LaunchedProcess p = start(LaunchSpec.argv(tmp.resolve("no-such-program").toString()).output(LaunchSpec.Output.toFile(log)));

        assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.process().exitValue()).isEqualTo(127);
        assertThat(read(log)).contains("cannot start '" + tmp.resolve("no-such-program") + "'");
        assertThatThrownBy(() -> keeper.start(LaunchSpec.argv("true").workingDir(tmp.resolve("gone"))
                .output(LaunchSpec.Output.discard()).build()))
                .isInstanceOf(IOException.class).hasMessageContaining("working directory " + tmp.resolve("gone") + " does not exist");
    }

    @ParameterizedTest(name = "started inside it by clone3: {0}")
    @ValueSource(booleans = {true, false})
    void aProcessThatAsksForItsOwnCgroupJoinsItBeforeItsCommandRunsAndTheEmptyCgroupGoesWithIt(boolean clone3) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Cgroups.mode().enabled(), Cgroups.mode().describe());
        String cookie = "it.cgroup." + System.nanoTime();
        Keeper forking = Keeper.of("keeper-it-fork", Thread::new, clone3, kind()).orElseThrow();
        LaunchedProcess p = forking.start(LaunchSpec.argv("/bin/sh", "-c", "sleep 300 & wait").cookie(cookie)
                .ownCgroup(true).output(LaunchSpec.Output.discard()).build());
        started.add(p);
        forking.close();
        Path cgroup = Cgroups.of(cookie).orElseThrow();

        await("the shell and its sleep in the cgroup", () -> Cgroups.pids(cgroup).size() == 2);
        assertThat(Cgroups.pids(cgroup)).contains(p.pid());

        p.stop(Signal.TERM, Duration.ofSeconds(5));
        await("the empty cgroup removed", () -> !Files.exists(cgroup));
    }

    @Test
    void withoutAKeeperTheLaunchersWrapperKeepsTheSameRecord() throws Exception {
        // where there is no perl or SELFTEST_KEEPER=off, a supervisor's runs start this way
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.argv("/bin/sh", "-c", "exit 7").output(LaunchSpec.Output.discard())
                .exitRecord(tmp.resolve("w.spawn"), tmp.resolve("w.exit")).build());
        started.add(p);

        assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.process().exitValue()).isEqualTo(7);
        assertThat(read(tmp.resolve("w.exit"))).isEqualTo("7\n");
        assertThat(read(tmp.resolve("w.spawn")).trim()).as("the wrapper's pid, the process setsid exec'd into")
                .isEqualTo(Long.toString(p.pid()));
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
