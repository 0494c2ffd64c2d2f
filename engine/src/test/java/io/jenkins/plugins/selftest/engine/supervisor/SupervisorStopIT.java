package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.events;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.inState;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.Cgroups;
import io.jenkins.plugins.selftest.engine.process.Escapee;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Stopping whole trees, commands that do not exist, a log flood. */
class SupervisorStopIT extends InProcessSupervisorFixture {

    @Test
    void stopKillsDoubleForkedGrandchildAndChildThatIgnoresTerm() throws Exception {
        Path daemonPid = tmp.resolve("daemon.pid");
        run(ServiceSpec.shell("forker", "setsid sh -c 'sleep 300 & echo $! > " + daemonPid + "; wait' & sleep 300").build(),
                ServiceSpec.shell("stubborn", "trap '' TERM; sleep 300 & wait; sleep 300")
                        .stopTimeout(Duration.ofMillis(500)).build());
        await("forker's daemon", Duration.ofSeconds(5), () -> Files.exists(daemonPid) && size(daemonPid) > 0);
        await("both ready", Duration.ofSeconds(5), () -> inState(supervisor, "forker", ServiceState.READY)
                && inState(supervisor, "stubborn", ServiceState.READY));
        long grandchild = Long.parseLong(Files.readString(daemonPid).trim());
        String forkerCookie = status(supervisor, "forker").cookie().orElseThrow();
        String stubbornCookie = status(supervisor, "stubborn").cookie().orElseThrow();
        Thread.sleep(100);
        assertThat(ProcessTree.processGroup(grandchild)).isNotEqualTo(status(supervisor, "forker").pid());
        Instant start = Instant.now();

        SupervisorState end = supervisor.stop("test");

        assertThat(ProcessTree.isRunning(grandchild)).isFalse();
        assertThat(ProcessTree.withCookie(forkerCookie)).isEmpty();
        assertThat(ProcessTree.withCookie(stubbornCookie)).isEmpty();
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(end.phase()).isEqualTo(SupervisorState.Phase.STOPPED);
        assertThat(end.services()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ServiceState.STOPPED));
        assertThat(events(supervisor, "stubborn", SupervisorEvent.Type.STOPPED).get(0).message()).contains("KILL");
        // no zombie children of ours either
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }

    @Test
    void stopKillsAProcessThatLeftTheGroupDroppedTheCookieAndWasReparented() throws Exception {
        assumeTrue(Cgroups.mode().enabled(), Cgroups.mode().describe());
        Escapee escapee = Escapee.create();
        try {
            run(ServiceSpec.shell("escaper", escapee.command() + "; sleep 300").build());
            await("escaped", Duration.ofSeconds(5), escapee::settled);
            String cookie = status(supervisor, "escaper").cookie().orElseThrow();
            assertThat(ProcessTree.withCookie(cookie)).doesNotContainAnyElementsOf(escapee.running());

            supervisor.stop("test");

            assertThat(escapee.running()).as("the escaped sleep " + escapee.argument()).isEmpty();
            assertThat(Escapee.cgroupLeft(cookie)).as("its cgroup is removed").isFalse();
            assertThat(events(supervisor.controlDirectory())).filteredOn(e -> e.type() == SupervisorEvent.Type.SUPERVISOR_STARTED)
                    .singleElement().satisfies(e -> assertThat(e.message()).contains("cgroup per process tree"));
        } finally {
            escapee.kill();
        }
    }

    @Test
    void whatAnEndedRunLeftOutsideItsGroupAndCookieIsKilledWithItsCgroup() throws Exception {
        assumeTrue(Cgroups.mode().enabled(), Cgroups.mode().describe());
        Escapee escapee = Escapee.create();
        try {
            run(ServiceSpec.shell("leaky", escapee.command() + "; sleep 0.2; exit 1").backoff(Backoff.NONE).maxRestarts(0).build());
            await("leaky to give up", Duration.ofSeconds(10), () -> inState(supervisor, "leaky", ServiceState.FAILED));
            String cookie = status(supervisor, "leaky").cookie().orElseThrow();

            await("the escaped sleep swept", Duration.ofSeconds(5), () -> escapee.running().isEmpty());
            await("its cgroup removed", Duration.ofSeconds(5), () -> !Escapee.cgroupLeft(cookie));
        } finally {
            escapee.kill();
        }
    }

    @Test
    void whatAnEndedRunMovedOutOfItsCgroupIsStillFoundByItsCookie() throws Exception {
        assumeTrue(Cgroups.mode().enabled(), Cgroups.mode().describe());
        // a leaf cgroup beside the supervisor's, where the run moves a child of its own: it keeps the cookie
        Path elsewhere = Cgroups.mode().base().orElseThrow().resolve("moved-" + System.nanoTime());
        Path pid = tmp.resolve("moved.pid");
        try {
            run(ServiceSpec.shell("mover", "sleep 300 & echo $! > " + pid + ".tmp; mkdir -p " + elsewhere + "; echo $! > "
                    + elsewhere + "/cgroup.procs; mv " + pid + ".tmp " + pid + "; sleep 0.2; exit 1")
                    .backoff(Backoff.NONE).maxRestarts(0).build());
            await("mover to give up", Duration.ofSeconds(10), () -> inState(supervisor, "mover", ServiceState.FAILED));
            long moved = Long.parseLong(Files.readString(pid).trim());
            assertThat(Files.readString(elsewhere.resolve("cgroup.procs"))).as("it left its run's cgroup")
                    .contains(Long.toString(moved));

            await("the moved sleep swept", Housekeeper.ESCAPE_SWEEP_PERIOD.plusSeconds(5), () -> !ProcessTree.isRunning(moved));
        } finally {
            if (Files.exists(pid)) {
                ProcessTree.send(Long.parseLong(Files.readString(pid).trim()), io.jenkins.plugins.selftest.engine.process.Signal.KILL);
            }
            await("the cgroup beside emptied", Duration.ofSeconds(5), () -> !Files.exists(elsewhere) || removed(elsewhere));
        }
    }

    private static boolean removed(Path cgroup) {
        try {
            Files.delete(cgroup);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void leftoverOfAnEndedRunIsKilledBeforeItCanPileUp() throws Exception {
        Path pids = tmp.resolve("pids");
        // each run leaves a double-forked daemon behind and exits
        run(ServiceSpec.shell("leaky", "setsid sh -c 'sleep 300' & echo $! >> " + pids + "; sleep 0.2; exit 1")
                .backoff(Backoff.NONE).maxRestarts(3).build());

        await("leaky to give up", Duration.ofSeconds(10), () -> inState(supervisor, "leaky", ServiceState.FAILED));
        List<Long> leftovers = Files.readAllLines(pids).stream().map(String::trim).map(Long::parseLong).toList();

        assertThat(leftovers).hasSize(4);
        await("leftovers swept", Duration.ofSeconds(5), () -> leftovers.stream().noneMatch(ProcessTree::isRunning));
    }

    @Test
    void missingCommandFailsAtOnceWithTheReason() throws Exception {
        run(ServiceSpec.builder("argv", List.of("no-such-program-xyz", "--serve")).build(),
                ServiceSpec.shell("shell", "no-such-program-xyz --serve").build(),
                ServiceSpec.builder("path", List.of("/no/such/dir/prog")).build());

        await("all failed", Duration.ofSeconds(10), () -> supervisor.state().services().stream()
                .allMatch(s -> s.state() == ServiceState.FAILED));

        assertThat(status(supervisor, "argv").message()).get().asString()
                .contains("'no-such-program-xyz' not found on PATH").contains("install it");
        assertThat(status(supervisor, "argv").run()).isEqualTo(1);
        assertThat(status(supervisor, "shell").message()).get().asString().contains("exit 127").contains("not found");
        assertThat(status(supervisor, "shell").restarts()).isZero();
        assertThat(status(supervisor, "path").message()).get().asString().contains("/no/such/dir/prog").contains("does not exist");
        assertThat(Files.readString(supervisor.controlDirectory().logFile("shell"))).contains("no-such-program-xyz");
    }

    @Test
    void hundredMegabytesOfLogsNeitherBlockTheSupervisorNorFillTheDisk() throws Exception {
        long cap = 4L * 1024 * 1024;
        Path written = tmp.resolve("flood-written");
        run(ServiceSpec.shell("flood", "yes 'a line of log output that is exactly sixty-four bytes long....' | head -c 100000000; "
                                + "touch '" + written + "'; sleep 60")
                        .logMaxBytes(cap).logKeep(2).build(),
                ServiceSpec.shell("pulse", "sleep 0.05; exit 1").backoff(Backoff.NONE).maxRestarts(-1).build());
        await("flood spawned", Duration.ofSeconds(5), () -> status(supervisor, "flood").pid().isPresent());
        Instant start = Instant.now();
        int pulseBefore = status(supervisor, "pulse").restarts();

        // done: all 100 MB written (however long a loaded machine takes), and the rotation after that has run
        await("flood done and rotated", Duration.ofSeconds(60), () -> Files.exists(written)
                && status(supervisor, "flood").logBytesDropped() > 50_000_000L && logBytes() <= 3 * cap + cap);
        Thread.sleep(1000);

        // the supervisor kept restarting the other service during the flood
        long elapsedMs = Duration.between(start, Instant.now()).toMillis();
        assertThat(status(supervisor, "pulse").restarts() - pulseBefore).isGreaterThan((int) (elapsedMs / 300));
        assertThat(logBytes()).as("log files on disk").isLessThanOrEqualTo(3 * cap + cap);
        assertThat(status(supervisor, "flood").logBytesDropped()).isGreaterThan(50_000_000L);
        assertThat(status(supervisor, "flood").state()).isEqualTo(ServiceState.READY);
        assertThat(Files.exists(supervisor.controlDirectory().rotatedLog("flood", 1))).isTrue();
        assertThat(Files.exists(supervisor.controlDirectory().rotatedLog("flood", 3))).isFalse();
        assertThat(supervisor.controlDirectory().heartbeatAge().orElseThrow()).isLessThan(Duration.ofSeconds(3));
    }

    private long logBytes() {
        try (Stream<Path> files = Files.list(supervisor.controlDirectory().path().resolve(ControlDirectory.LOGS))) {
            return files.filter(f -> f.getFileName().toString().startsWith("flood.")).mapToLong(SupervisorStopIT::size).sum();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }
}
