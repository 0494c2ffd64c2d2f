package io.jenkins.plugins.selftest.engine.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real process trees: groups, double-forked daemons, TERM-ignoring children. */
class ProcessTreeIT {

    @TempDir
    Path dir;

    @Test
    void stopsDoubleForkedGrandchildThatLeftTheGroup() throws Exception {
        Path pidFile = dir.resolve("daemon.pid");
        // the grandchild starts its own session (leaves our group) and is re-parented to init
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell(
                "setsid sh -c 'sleep 300 & echo $! > " + pidFile + "; wait' & sleep 300").build());
        long daemon = waitForPid(pidFile);
        assertThat(ProcessTree.members(p.pid(), p.cookie())).contains(p.pid(), daemon);

        ProcessTree.StopResult result = p.stop(Signal.TERM, Duration.ofSeconds(5));

        assertThat(result.signalled()).isGreaterThanOrEqualTo(3);
        assertThat(ProcessTree.withCookie(p.cookie())).isEmpty();
        assertThat(ProcessTree.isRunning(daemon)).isFalse();
    }

    /**
     * A process in the middle of an exec shows an empty environment for a moment, so one found by its cookie alone
     * (another session, re-parented, no cgroup) could be missed by a pass. This one ignores TERM and execs itself over
     * and over: every pass finds it, and it gets KILL when the grace is up.
     */
    @Test
    void aProcessFoundByItsCookieAloneIsKilledEvenWhileItExecsAgainAndAgain() throws Exception {
        LaunchedProcess p = startLooping();
        long looping = waitForPid(dir.resolve("looping.pid"));
        try {
            for (int pass = 0; pass < 50; pass++) {
                assertThat(ProcessTree.withCookie(p.cookie())).as("pass " + pass + " by its cookie").contains(looping);
                assertThat(ProcessTree.members(p.pid(), p.cookie())).as("pass " + pass + " of the tree").contains(looping);
                assertThat(ProcessTree.cookieHolders(p.cookie()::equals)).as("pass " + pass + " of the holders").containsKey(looping);
            }

            ProcessTree.StopResult result = p.stop(Signal.TERM, Duration.ofSeconds(1));

            assertThat(ProcessTree.isRunning(looping)).as("the looping process, ignoring TERM").isFalse();
            assertThat(result.killed()).isEqualTo(1);
        } finally {
            ProcessTree.send(looping, Signal.KILL);
            p.stop(Signal.KILL, Duration.ZERO);
        }
    }

    @Test
    void aProcessFoundByItsCookieAloneIsKilledEvenWhileItExecsAgainAndAgainWhenManyTreesAreStopped() throws Exception {
        LaunchedProcess p = startLooping();
        long looping = waitForPid(dir.resolve("looping.pid"));
        try {
            List<ProcessTree.StopResult> result = ProcessTree.stopAll(List.of(
                    new ProcessTree.Tree(p.pid(), p.cookie(), Signal.TERM, Duration.ofSeconds(1))));

            assertThat(ProcessTree.isRunning(looping)).as("the looping process, ignoring TERM").isFalse();
            assertThat(result.get(0).killed()).isEqualTo(1);
        } finally {
            ProcessTree.send(looping, Signal.KILL);
            p.stop(Signal.KILL, Duration.ZERO);
        }
    }

    /** What a stop has found once stays found while it runs: here it drops its cookie (exec env -i) after the first pass. */
    @Test
    void aProcessThatDropsItsCookieWhileItIsStoppedIsStillKilled() throws Exception {
        Path pidFile = dir.resolve("dropping.pid");
        Path go = dir.resolve("go");
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell("(setsid /bin/sh -c 'trap \"\" TERM; echo $$ > " + pidFile
                + "; while [ ! -e " + go + " ]; do sleep 0.05; done; exec env -i sleep 300' &); sleep 300").build());
        long dropping = waitForPid(pidFile);
        AtomicBoolean dropped = new AtomicBoolean();
        Thread dropper = new Thread(() -> {
            try {
                Thread.sleep(1000);
                Files.writeString(go, "");
                for (int i = 0; i < 150 && !dropped.get(); i++) {
                    Thread.sleep(10);
                    dropped.set(ProcessTree.describe(dropping).endsWith("(sleep 300)") && ProcessTree.cookie(dropping).isEmpty());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            dropper.start();

            ProcessTree.StopResult result = p.stop(Signal.TERM, Duration.ofSeconds(3));

            assertThat(dropped).as("it dropped the cookie while it was stopped").isTrue();
            assertThat(ProcessTree.isRunning(dropping)).as("the process that dropped its cookie").isFalse();
            assertThat(result.killed()).isEqualTo(1);
        } finally {
            dropper.join();
            ProcessTree.send(dropping, Signal.KILL);
            p.stop(Signal.KILL, Duration.ZERO);
        }
    }

    private LaunchedProcess startLooping() throws Exception {
        Path loop = Files.writeString(dir.resolve("loop.sh"), "exec /bin/sh " + dir.resolve("loop.sh") + "\n");
        // the root ends at TERM, so every pass after the first could end the stop by missing the looping process
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell("(setsid /bin/sh -c 'trap \"\" TERM; echo $$ > "
                + dir.resolve("looping.pid") + "; exec /bin/sh " + loop + "' &); sleep 300").build());
        assertThat(p.cookie()).isNotNull();
        return p;
    }

    @Test
    void leftoversOfAnEndedRootAreStoppedAndDescribedBoundedAndPrintable() throws Exception {
        Path pidFile = dir.resolve("left.pid");
        // the root ends at once; what it left keeps the cookie, in a session of its own
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell("setsid sh -c 'echo $$ > " + pidFile
                + "; exec sleep 300' &").build());
        long left = waitForPid(pidFile);
        assertThat(p.process().waitFor(5, TimeUnit.SECONDS)).isTrue();

        List<String> described = ProcessTree.stopLeftovers(p.cookie(), Signal.TERM, Duration.ofSeconds(5));

        assertThat(ProcessTree.isRunning(left)).isFalse();
        assertThat(ProcessTree.withCookie(p.cookie())).isEmpty();
        assertThat(described).hasSize(1);
        assertThat(described.get(0)).startsWith("pid " + left + " (sleep 300)");
        assertThat(ProcessTree.stopLeftovers(p.cookie(), Signal.TERM, Duration.ofSeconds(5))).as("nothing left").isEmpty();
    }

    @Test
    void aDescriptionIsBoundedAndPrintable() throws Exception {
        String clear = "x\u001b[2Jy";
        // started straight (ProcessLauncher's setsid would be the program until it has exec'd the shell)
        Process p = new ProcessBuilder("sh", "-c", "sleep 300", clear, "z".repeat(300)).start();
        try {
            String d = ProcessTree.describe(p.pid());
            assertThat(d).startsWith("pid " + p.pid() + " (sh … x?[2Jy zzz").endsWith("…)").doesNotContain("\u001b");
            assertThat(d.length()).isLessThanOrEqualTo(("pid " + p.pid() + " (…)").length() + ProcessTree.DESCRIBED_CHARS);
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertThat(ProcessTree.describe(p.pid())).as("a process that is gone").isEqualTo("pid " + p.pid());
    }

    @Test
    void killsChildThatIgnoresTermAfterGrace() throws Exception {
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell("trap '' TERM; sleep 300 & wait; sleep 300").build());
        Thread.sleep(200);
        long started = System.nanoTime();

        ProcessTree.StopResult result = p.stop(Signal.TERM, Duration.ofMillis(300));

        assertThat(result.killed()).isGreaterThanOrEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(ProcessTree.withCookie(p.cookie())).isEmpty();
        assertThat(p.process().isAlive()).isFalse();
    }

    @Test
    void aVariableIsFoundWhereverItIsInTheEnvironment() throws Exception {
        String big = "x".repeat(20_000); // past the first read's buffer
        List<List<String>> environments = List.of(
                List.of("SELFTEST_PROBE=first", "A=1"),
                List.of("A=1", "NOT_SELFTEST_PROBE=no", "SELFTEST_PROBEX=no", "B=SELFTEST_PROBE=no", "SELFTEST_PROBE=middle", "C=3"),
                List.of("BIG=" + big, "SELFTEST_PROBE=after a big one"),
                List.of("A=1", "SELFTEST_PROBE=last"),
                List.of("SELFTEST_PROBE=", "B=2"),
                List.of("A=SELFTEST_PROBE", "B=2"));
        List<Optional<String>> expected = List.of(Optional.of("first"), Optional.of("middle"),
                Optional.of("after a big one"), Optional.of("last"), Optional.empty(), Optional.empty());
        List<Process> started = new ArrayList<>();
        try {
            for (List<String> env : environments) {
                List<String> argv = new ArrayList<>(List.of("env", "-i"));
                argv.addAll(env);
                argv.addAll(List.of("sleep", "30"));
                started.add(new ProcessBuilder(argv).start());
            }
            for (int i = 0; i < started.size(); i++) {
                long pid = started.get(i).pid();
                await(() -> comm(pid).equals("sleep")); // env has made the environment and run sleep in it
                assertThat(ProcessTree.environmentValue(pid, "SELFTEST_PROBE")).as("in %s", environments.get(i))
                        .isEqualTo(expected.get(i));
            }
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void cpuTicksCountTheCpuTimeAProcessSpends() throws Exception {
        // a shell counting for a while: real work, about a second of one core
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell("i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 300").build());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ProcessTree.cpuTicks(p.pid()).orElse(0L) < ProcessTree.CLOCK_TICKS_PER_SECOND / 5
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ProcessTree.cpuTicks(p.pid())).get().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LONG)
                    .isGreaterThanOrEqualTo(ProcessTree.CLOCK_TICKS_PER_SECOND / 5L);
        } finally {
            p.stop(Signal.KILL, Duration.ZERO);
        }
        assertThat(ProcessTree.cpuTicks(p.pid())).as("gone").isEmpty();
    }

    @Test
    void processLeadsItsOwnGroup() throws Exception {
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.argv("sleep", "30").build());
        try {
            // setsid(1) runs in the child right after the fork: under load the group may still be the parent's for a moment
            for (int i = 0; i < 200 && !ProcessTree.processGroup(p.pid()).equals(java.util.Optional.of(p.pid())); i++) {
                Thread.sleep(5);
            }
            assertThat(ProcessTree.processGroup(p.pid())).contains(p.pid());
            assertThat(ProcessTree.startTicks(p.pid())).isPresent();
        } finally {
            p.stop(Signal.KILL, Duration.ZERO);
        }
    }

    @Test
    void missingProgramNamesTheCommand() {
        assertThatThrownBy(() -> ProcessLauncher.start(LaunchSpec.argv("/no/such/program", "x").newSession(false).build()))
                .hasMessageContaining("/no/such/program");
    }

    @Test
    void missingDirectoryIsNamed() {
        assertThatThrownBy(() -> ProcessLauncher.start(LaunchSpec.argv("true").workingDir(dir.resolve("nope")).build()))
                .hasMessageContaining("nope").hasMessageContaining("does not exist");
    }

    @Test
    void outputGoesToFile() throws Exception {
        Path log = dir.resolve("out.log");
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell("echo hello; echo oops >&2")
                .output(LaunchSpec.Output.toFile(log)).build());
        assertThat(p.process().waitFor()).isZero();
        assertThat(Files.readString(log)).contains("hello").contains("oops");
    }

    private static long waitForPid(Path file) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (Files.exists(file) && !Files.readString(file).isBlank()) {
                return Long.parseLong(Files.readString(file).trim());
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no pid in " + file);
    }
}
