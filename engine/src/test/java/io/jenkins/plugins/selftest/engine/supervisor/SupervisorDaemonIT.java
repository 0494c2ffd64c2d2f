package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.Cgroups;
import io.jenkins.plugins.selftest.engine.process.Escapee;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The detached daemon: kill -9 and resume (also right after a spawn, after a run left a {@code setsid}'d grandchild,
 * with a {@code state.json} that cannot be read), a second daemon on one directory, stop requests, self-replacement.
 */
class SupervisorDaemonIT {

    @TempDir
    Path tmp;

    private SupervisorClient client;
    private String supervisorId;

    @AfterEach
    void cleanUp() throws Exception {
        if (client != null) {
            client.requestStop();
            client.awaitStopped(Duration.ofSeconds(20));
        }
        if (supervisorId != null) {
            ProcessTree.cookieHolders(c -> c.startsWith(supervisorId + "."))
                    .forEach((pid, cookie) -> ProcessTree.stop(pid, cookie, Signal.KILL, Duration.ZERO));
        }
    }

    private static SupervisorSpec fast(ServiceSpec... services) {
        return new SupervisorSpec(List.of(services), Duration.ofMillis(300), Duration.ofSeconds(1));
    }

    private SupervisorClient launch(SupervisorSpec spec) throws Exception {
        return launch(tmp.resolve("ctl"), spec);
    }

    private SupervisorClient launch(Path ctl, SupervisorSpec spec) throws Exception {
        client = SupervisorClient.launch(ctl, spec, DaemonLauncher.currentJvm());
        await("first state", Duration.ofSeconds(30), () -> state().isPresent());
        supervisorId = state().orElseThrow().supervisorId();
        return client;
    }

    private Optional<SupervisorState> state() {
        try {
            return client.state();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // being replaced right now, or made unreadable by the test
        }
    }

    private ServiceStatus service(String name) {
        return state().orElseThrow().service(name).orElseThrow();
    }

    private long ownerPid() {
        try {
            return client.owner().orElseThrow().pid();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Long> leaders(String service) {
        return ProcessTree.cookieHolders(c -> c.startsWith(supervisorId + "." + service + ".")).keySet().stream()
                .filter(pid -> ProcessTree.processGroup(pid).map(g -> g.equals(pid)).orElse(false)).toList();
    }

    @Test
    void killMinus9OfTheDaemonThenResumeAdoptsLiveServicesKeepsCountsAndRecordsExitsOfTheGap() throws Exception {
        Path quit = tmp.resolve("quit");
        launch(fast(
                ServiceSpec.shell("steady", "sleep 300").restart(RestartPolicy.ALWAYS).build(),
                ServiceSpec.shell("quitter", "while [ ! -f " + quit + " ]; do sleep 0.05; done; exit 7")
                        .backoff(Backoff.NONE).build(),
                ServiceSpec.shell("crashy", "exit 1").backoff(new Backoff(Duration.ofMillis(50), 1, Duration.ofMillis(50),
                        Duration.ofSeconds(10))).maxRestarts(2).build()));
        await("services up", Duration.ofSeconds(30), () -> state().map(s -> s.service("steady").orElseThrow().state() == ServiceState.READY
                && s.service("quitter").orElseThrow().state() == ServiceState.READY
                && s.service("crashy").orElseThrow().state() == ServiceState.FAILED).orElse(false));
        long steadyPid = service("steady").pid().orElseThrow();
        long daemon = ownerPid();

        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("daemon dead", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(daemon));
        await("heartbeat stale", Duration.ofSeconds(5), () -> {
            try {
                return client.isStale();
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(ProcessTree.isRunning(steadyPid)).as("services survive their supervisor").isTrue();
        // an exit while no supervisor runs: the wrapper records it
        Files.writeString(quit, "");
        ControlDirectory dir = client.controlDirectory();
        await("quitter's exit file", Duration.ofSeconds(5), () -> dir.readExitCode("quitter", 1).isPresent());
        Files.delete(quit);

        client.resume(DaemonLauncher.currentJvm());

        await("resumed daemon", Duration.ofSeconds(30), () -> {
            try {
                return client.owner().map(o -> o.pid() != daemon && o.resumed()).orElse(false)
                        && state().map(s -> s.pid() != daemon).orElse(false);
            } catch (IOException e) {
                return false;
            }
        });
        await("quitter restarted", Duration.ofSeconds(10), () -> service("quitter").restarts() == 1
                && service("quitter").state() == ServiceState.READY);
        assertThat(service("steady").pid()).contains(steadyPid);
        assertThat(service("steady").run()).isEqualTo(1);
        assertThat(service("steady").state()).isEqualTo(ServiceState.READY);
        assertThat(leaders("steady")).containsExactly(steadyPid);
        assertThat(leaders("quitter")).hasSize(1);
        assertThat(service("quitter").run()).isEqualTo(2);
        assertThat(service("crashy").restarts()).isEqualTo(2);
        assertThat(service("crashy").state()).isEqualTo(ServiceState.FAILED);
        assertThat(service("quitter").lastExit()).get().satisfies(e -> {
            assertThat(e.code()).isEqualTo(7);
            assertThat(e.recorded()).isEqualTo("exit-file");
        });
        await("events written", Duration.ofSeconds(5), () -> events().stream().anyMatch(e -> e.type() == SupervisorEvent.Type.ADOPTED));
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(SupervisorEvent.Type.EXITED);
            assertThat(e.service()).contains("quitter");
            assertThat(e.exitCode()).contains(7);
            assertThat(e.message()).contains("while no supervisor watched");
        });
        assertThat(events()).filteredOn(e -> e.type() == SupervisorEvent.Type.ADOPTED)
                .extracting(e -> e.service().orElseThrow()).containsExactly("steady");
    }

    @Test
    void killMinus9ThenSixConcurrentResumesStartExactlyOneDaemonThatAdoptsTheServices() throws Exception {
        launch(fast(ServiceSpec.shell("steady", "sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        long steadyPid = service("steady").pid().orElseThrow();
        long daemon = ownerPid();
        Path ctl = client.controlDirectory().path();

        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("daemon dead", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(daemon));
        await("heartbeat stale", Duration.ofSeconds(5), () -> {
            try {
                return client.isStale();
            } catch (IOException e) {
                return false;
            }
        });

        // six pollers, each with its own client as separate agent calls would have, poll for a while: whenever one
        // sees the heartbeat stale it asks for a replacement, as the step does
        int pollers = 6;
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(pollers);
        java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(pollers);
        List<java.util.concurrent.Future<?>> polls = new java.util.ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        for (int i = 0; i < pollers; i++) {
            polls.add(pool.submit(() -> {
                barrier.await();
                SupervisorClient poller = SupervisorClient.open(ctl);
                while (System.nanoTime() < until) {
                    if (poller.isStale() && poller.resume(DaemonLauncher.currentJvm()).isPresent()) {
                        started.incrementAndGet();
                    }
                    Thread.sleep(20);
                }
                return null;
            }));
        }
        int most = 0;
        while (System.nanoTime() < until) {
            most = Math.max(most, daemonsOn(ctl).size());
            Thread.sleep(20);
        }
        for (var f : polls) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        assertThat(started.get()).as("replacements started").isEqualTo(1);
        assertThat(most).as("daemon processes on the directory at any time").isEqualTo(1);
        List<Long> daemons = daemonsOn(ctl);
        assertThat(daemons).hasSize(1).doesNotContain(daemon);
        assertThat(client.owner().orElseThrow()).satisfies(o -> {
            assertThat(o.pid()).isEqualTo(daemons.get(0));
            assertThat(o.resumed()).isTrue();
        });
        assertThat(client.controlDirectory().respawnClaim()).as("released by the replacement").isEmpty();
        await("adopted", Duration.ofSeconds(10), () -> events().stream().anyMatch(e -> e.type() == SupervisorEvent.Type.ADOPTED));
        assertThat(service("steady").pid()).contains(steadyPid);
        assertThat(service("steady").run()).as("adopted, not restarted").isEqualTo(1);
        assertThat(service("steady").restarts()).isZero();
        assertThat(leaders("steady")).containsExactly(steadyPid);
        assertThat(client.isStale()).isFalse();
    }

    @Test
    void stopOrKillStopsTheServiceTreesDirectlyWhenNoDaemonAnswers() throws Exception {
        Path pidFile = tmp.resolve("grandchild.pid");
        launch(fast(ServiceSpec.shell("forker", "setsid sh -c 'sleep 300 & echo $! > " + pidFile + "; wait' & sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        await("grandchild", Duration.ofSeconds(5), () -> Files.exists(pidFile) && !read(pidFile).isBlank());
        long grandchild = Long.parseLong(read(pidFile).trim());
        long pid = service("forker").pid().orElseThrow();
        long daemon = ownerPid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("daemon dead", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(daemon));

        SupervisorClient.StopOutcome outcome = SupervisorClient.open(client.controlDirectory().path())
                .stopOrKill(Duration.ofSeconds(1));

        assertThat(outcome.byDaemon()).isFalse();
        assertThat(outcome.killed()).isGreaterThanOrEqualTo(3);
        assertThat(outcome.describe()).startsWith("no supervisor answered; stopped ");
        assertThat(ProcessTree.isRunning(pid)).isFalse();
        assertThat(ProcessTree.isRunning(grandchild)).isFalse();
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(supervisorId + "."))).isEmpty();
        assertThat(SupervisorClient.open(tmp.resolve("missing")).stopOrKill(Duration.ofSeconds(1)).describe())
                .isEqualTo("nothing was running");
        client = null;
    }

    @Test
    void stopOrKillLetsALiveDaemonStopItsServices() throws Exception {
        launch(fast(ServiceSpec.shell("plain", "sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        long pid = service("plain").pid().orElseThrow();

        SupervisorClient.StopOutcome outcome = client.stopOrKill(Duration.ofSeconds(20));

        assertThat(outcome).isEqualTo(new SupervisorClient.StopOutcome(true, 0));
        assertThat(ProcessTree.isRunning(pid)).isFalse();
        assertThat(state().orElseThrow().phase()).isEqualTo(SupervisorState.Phase.STOPPED);
    }

    /** Live SupervisorDaemon JVMs whose control directory is {@code ctl}, from {@code /proc/PID/cmdline}. */
    private static List<Long> daemonsOn(Path ctl) {
        String dir = ctl.toAbsolutePath().normalize().toString();
        return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(ProcessTree::isRunning).filter(pid -> {
            try {
                List<String> argv = List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                        java.nio.charset.StandardCharsets.UTF_8).split("\0"));
                int main = argv.indexOf(SupervisorDaemon.class.getName());
                return main >= 0 && main + 1 < argv.size() && argv.get(main + 1).equals(dir);
            } catch (IOException e) {
                return false;
            }
        }).toList();
    }

    @Test
    void aSecondSupervisorOnTheSameDirectoryRefusesToStart() throws Exception {
        launch(fast(ServiceSpec.shell("only", "sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();

        assertThatThrownBy(() -> SupervisorClient.launch(tmp.resolve("ctl"), fast(ServiceSpec.shell("only", "sleep 300").build()),
                DaemonLauncher.currentJvm())).isInstanceOf(IllegalStateException.class).hasMessageContaining("already runs");
        assertThat(client.resume(DaemonLauncher.currentJvm())).as("no replacement next to a live daemon").isEmpty();
        LaunchedProcess second = client.startDaemon(DaemonLauncher.currentJvm(), true);

        assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process().exitValue()).isEqualTo(SupervisorDaemon.EXIT_LOCKED);
        assertThat(Files.readString(client.controlDirectory().file(ControlDirectory.WORKER_LOG))).contains("already runs on");
        assertThat(leaders("only")).hasSize(1);
        assertThat(service("only").run()).isEqualTo(1);
    }

    @Test
    void withCgroupsOffTheStopGoesByGroupAndCookieOnlyAndTheDaemonSaysSo() throws Exception {
        Escapee escapee = Escapee.create();
        try {
            DaemonLauncher current = DaemonLauncher.currentJvm();
            Map<String, String> env = new java.util.HashMap<>(current.environment());
            env.put(Cgroups.SWITCH_VARIABLE, "off");
            client = SupervisorClient.launch(tmp.resolve("ctl"), fast(ServiceSpec.shell("escaper", escapee.command()
                    + "; sleep 300").build()), new DaemonLauncher(current.java(), current.classpath(), current.jvmFlags(), env));
            assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
            supervisorId = state().orElseThrow().supervisorId();
            await("escaped", Duration.ofSeconds(5), escapee::settled);
            String cookie = service("escaper").cookie().orElseThrow();

            client.requestStop();

            assertThat(client.awaitStopped(Duration.ofSeconds(30))).isTrue();
            assertThat(events()).filteredOn(e -> e.type() == SupervisorEvent.Type.SUPERVISOR_STARTED).singleElement()
                    .satisfies(e -> assertThat(e.message()).contains("process group + cookie only")
                            .contains(Cgroups.SWITCH_VARIABLE + "=off"));
            assertThat(ProcessTree.cookieHolders(c -> c.startsWith(supervisorId + "."))).isEmpty();
            assertThat(Escapee.cgroupLeft(cookie)).isFalse();
            // the documented limit of the fallback: what left the group and dropped the cookie is not found
            assertThat(escapee.running()).hasSize(1);
        } finally {
            escapee.kill();
        }
    }

    @Test
    void stopRequestStopsEveryTreeAndTheDaemonExits() throws Exception {
        Path pidFile = tmp.resolve("grandchild.pid");
        launch(fast(ServiceSpec.shell("forker", "setsid sh -c 'sleep 300 & echo $! > " + pidFile + "; wait' & sleep 300").build(),
                ServiceSpec.shell("plain", "sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        await("grandchild", Duration.ofSeconds(5), () -> Files.exists(pidFile) && !read(pidFile).isBlank());
        long grandchild = Long.parseLong(read(pidFile).trim());
        long daemon = ownerPid();

        client.requestStop();

        assertThat(client.awaitStopped(Duration.ofSeconds(30))).isTrue();
        await("daemon exit", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(daemon));
        assertThat(ProcessTree.isRunning(grandchild)).isFalse();
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(supervisorId + "."))).isEmpty();
        assertThat(state().orElseThrow().services()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ServiceState.STOPPED));
    }

    @Test
    void deletingTheControlDirectoryStopsEverything() throws Exception {
        launch(fast(ServiceSpec.shell("orphan", "sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        long daemon = ownerPid();
        long pid = service("orphan").pid().orElseThrow();

        deleteRecursively(client.controlDirectory().path());

        await("daemon exit", Duration.ofSeconds(20), () -> !ProcessTree.isRunning(daemon));
        assertThat(ProcessTree.isRunning(pid)).isFalse();
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(supervisorId + "."))).isEmpty();
        client = null;
    }

    @Test
    void internalErrorHandsOverToAResumedDaemonWithoutTouchingServices() throws Exception {
        launch(fast(ServiceSpec.shell("kept", "sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        long daemon = ownerPid();
        long pid = service("kept").pid().orElseThrow();

        Files.writeString(client.controlDirectory().file(SupervisorDaemon.SIMULATE_FATAL), "");

        await("replacement", Duration.ofSeconds(30), () -> {
            try {
                return client.owner().map(o -> o.pid() != daemon && o.resumed()).orElse(false)
                        && state().map(s -> s.pid() != daemon && s.phase() == SupervisorState.Phase.RUNNING).orElse(false);
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(ProcessTree.isRunning(daemon)).isFalse();
        await("adopted", Duration.ofSeconds(10), () -> service("kept").state() == ServiceState.READY);
        assertThat(service("kept").pid()).contains(pid);
        assertThat(leaders("kept")).containsExactly(pid);
    }

    @Test
    void awaitReadyNamesTheServiceThatFailedAndWhy() throws Exception {
        int port = SupervisorTesting.freePort();
        launch(fast(ServiceSpec.shell("deaf", "sleep 300")
                        .ready(Readiness.port(port).withInterval(Duration.ofMillis(100)).withTimeout(Duration.ofSeconds(1))).build(),
                ServiceSpec.shell("user", "sleep 300").dependsOn("deaf").build()));

        SupervisorClient.ReadyResult result = client.awaitReady(Duration.ofSeconds(30));

        assertThat(result.ready()).isFalse();
        assertThat(result.failedService()).contains("deaf");
        assertThat(result.reason()).contains("deaf failed").contains("not ready").contains("port localhost:" + port);
    }

    @Test
    void logsAndEventsAreReadFromOffsets() throws Exception {
        launch(fast(ServiceSpec.shell("talker", "echo one; echo two; sleep 300").ready(Readiness.log("two")).build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();

        SupervisorClient.LogChunk first = client.readLog("talker", 0, 4);
        SupervisorClient.LogChunk rest = client.readLog("talker", first.nextOffset(), 1024);
        SupervisorClient.Events all = client.events(0);
        SupervisorClient.Events none = client.events(all.nextOffset());

        assertThat(first.text()).isEqualTo("one\n");
        assertThat(rest.text()).isEqualTo("two\n");
        assertThat(all.events()).extracting(SupervisorEvent::type).contains(SupervisorEvent.Type.SPAWNED, SupervisorEvent.Type.READY);
        assertThat(none.events()).isEmpty();
        assertThat(none.nextOffset()).isEqualTo(all.nextOffset());
        assertThat(client.heartbeatAge()).get().matches(a -> a.compareTo(Duration.ofSeconds(1)) < 0);
        assertThat(client.isStale()).isFalse();
    }

    private long killDaemon() throws Exception {
        long daemon = ownerPid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("daemon dead", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(daemon));
        // a killed JVM's leader thread shows as gone while its other threads still exit and hold the owner lock
        await("owner lock released", Duration.ofSeconds(10), () -> !client.controlDirectory().locked());
        return daemon;
    }

    /** Kills the daemon, then lets run 1 of {@code service} exit (it waits for {@code flag}); returns the dead pid. */
    private long exitWhileNoDaemon(Path flag, String service) throws Exception {
        long dead = killDaemon();
        Files.writeString(flag, "");
        ControlDirectory dir = client.controlDirectory();
        await(service + "'s exit file", Duration.ofSeconds(10), () -> dir.readExitCode(service, 1).isPresent());
        return dead;
    }

    private void resume(long dead) throws Exception {
        client.resume(DaemonLauncher.currentJvm());
        await("resumed daemon", Duration.ofSeconds(30), () -> {
            try {
                return client.owner().map(o -> o.pid() != dead && o.resumed()).orElse(false)
                        && state().map(s -> s.pid() != dead).orElse(false);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
    }

    private List<SupervisorEvent> events(String service, SupervisorEvent.Type type) {
        return SupervisorTesting.events(client.controlDirectory(), service, type);
    }

    @Test
    void resumeAdoptsOnlyTheRunsWrapperSoASetsidGrandchildIsSweptAndTheExitRestarts() throws Exception {
        Path go = tmp.resolve("go");
        Path sleeper = tmp.resolve("sleeper.pid");
        // run 1 waits for "go", then leaves a grandchild that leads its own group and exits 1; run 2 waits again
        launch(tmp.resolve("ctl"), fast(ServiceSpec.shell("api", "while [ ! -f " + go + " ]; do sleep 0.05; done; rm " + go
                + "; setsid sleep 300 & echo $! > " + sleeper + "; exit 1").backoff(Backoff.NONE).build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        long wrapper = service("api").pid().orElseThrow();
        long dead = exitWhileNoDaemon(go, "api");
        ControlDirectory dir = client.controlDirectory();
        await("the grandchild's pid", Duration.ofSeconds(5), () -> read(sleeper).endsWith("\n"));
        long grandchild = Long.parseLong(read(sleeper).trim());
        assertThat(ProcessTree.isRunning(wrapper)).isFalse();
        assertThat(ProcessTree.isRunning(grandchild)).as("the stray carries run 1's cookie and leads its group").isTrue();
        // $! is written right after the fork: setsid(1) leads a group of its own only once it has run
        await("the grandchild leads its own group", Duration.ofSeconds(10),
                () -> ProcessTree.processGroup(grandchild).equals(Optional.of(grandchild)));

        resume(dead);

        await("run 1's exit recorded and the service restarted", Duration.ofSeconds(20),
                () -> service("api").run() == 2 && service("api").state() == ServiceState.READY);
        assertThat(service("api").restarts()).isEqualTo(1);
        assertThat(service("api").lastExit()).get().satisfies(e -> {
            assertThat(e.run()).isEqualTo(1);
            assertThat(e.code()).isEqualTo(1);
            assertThat(e.recorded()).isEqualTo("exit-file");
        });
        assertThat(service("api").pid()).isNotEqualTo(Optional.of(grandchild));
        await("the stray swept", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(grandchild));
        await("run 2's events", Duration.ofSeconds(5), () -> events("api", SupervisorEvent.Type.READY).size() == 2);
        assertThat(events("api", SupervisorEvent.Type.ADOPTED)).isEmpty();
        assertThat(events("api", SupervisorEvent.Type.EXITED)).singleElement().satisfies(e -> {
            assertThat(e.run()).isEqualTo(1);
            assertThat(e.message()).contains("while no supervisor watched");
        });
    }

    @Test
    void aDaemonKilledRightAfterASpawnLeavesTheRunNumberTakenSoEveryExitAndRestartIsCounted() throws Exception {
        // each run logs its number, lives a moment and fails; the daemon is killed as soon as run 2 has logged,
        // before the state write that would record run 2 (checked: the test retries when the write came first)
        ServiceSpec crashy = ServiceSpec.shell("crashy", "echo run $SELFTEST_RUN; sleep 0.3; exit 3")
                .backoff(new Backoff(Duration.ofMillis(300), 1, Duration.ofMillis(300), Duration.ofSeconds(10)))
                .maxRestarts(3).build();
        long dead = -1;
        for (int attempt = 1; attempt <= 5 && dead < 0; attempt++) {
            launch(tmp.resolve("ctl" + attempt), fast(crashy));
            Path log = client.controlDirectory().logFile("crashy");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!read(log).contains("run 2\n") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long daemon = killDaemon();
            if (state().map(st -> st.service("crashy").orElseThrow().run() == 1).orElse(false)) {
                dead = daemon;
            } else {
                client.stopOrKill(Duration.ofSeconds(1));
            }
        }
        assertThat(dead).as("a kill between the spawn of run 2 and its state write").isPositive();
        ControlDirectory dir = client.controlDirectory();
        await("run 2 ended while no supervisor ran", Duration.ofSeconds(10), () -> dir.readExitCode("crashy", 2).isPresent());

        resume(dead);

        await("gave up after 3 restarts", Duration.ofSeconds(30), () -> service("crashy").state() == ServiceState.FAILED);
        List<String> runs = read(dir.logFile("crashy")).lines().toList();
        assertThat(runs).as("each run number once").containsExactly("run 1", "run 2", "run 3", "run 4");
        assertThat(service("crashy").run()).isEqualTo(4);
        assertThat(service("crashy").restarts()).isEqualTo(3);
        await("every exit's event", Duration.ofSeconds(5), () -> events("crashy", SupervisorEvent.Type.EXITED).size() == 4);
        assertThat(events("crashy", SupervisorEvent.Type.EXITED)).extracting(SupervisorEvent::run).containsExactly(1, 2, 3, 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"supervisorId\": \"abc\", \"phase\": \"RUN", "\u0000\u0001garbage"})
    void aCorruptStateIsRebuiltSoLiveServicesAreAdoptedAndEndedOnesRestartedByPolicy(String corrupt) throws Exception {
        Path quit = tmp.resolve("quit");
        launch(tmp.resolve("ctl"), fast(ServiceSpec.shell("steady", "sleep 300").build(),
                ServiceSpec.shell("quitter", "while [ ! -f " + quit + " ]; do sleep 0.05; done; rm " + quit + "; exit 7")
                        .backoff(Backoff.NONE).build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        long steady = service("steady").pid().orElseThrow();
        long dead = exitWhileNoDaemon(quit, "quitter");
        ControlDirectory dir = client.controlDirectory();
        Files.writeString(dir.file(ControlDirectory.STATE), corrupt);

        resume(dead);

        await("quitter restarted by its policy", Duration.ofSeconds(20), () -> service("quitter").run() == 2
                && service("quitter").state() == ServiceState.READY);
        assertThat(service("quitter").lastExit()).get().satisfies(e -> {
            assertThat(e.run()).isEqualTo(1);
            assertThat(e.code()).isEqualTo(7);
        });
        assertThat(service("steady").pid()).as("adopted, not restarted").contains(steady);
        assertThat(service("steady").run()).isEqualTo(1);
        assertThat(service("steady").state()).isEqualTo(ServiceState.READY);
        assertThat(state().orElseThrow().supervisorId()).isEqualTo(supervisorId);
        assertThat(state().orElseThrow().problems()).singleElement().asString()
                .startsWith("state.json was unreadable (").contains("took over from events.jsonl");
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(supervisorId + ".steady.")))
                .as("no second copy of steady").containsKey(steady).allSatisfy((pid, c) -> assertThat(c).endsWith(".steady.1"));
    }

    @Test
    void aFreshStartOnADirectoryWhoseServicesStillRunStopsThemFirst() throws Exception {
        Path ctl = tmp.resolve("ctl");
        launch(ctl, fast(ServiceSpec.shell("steady", "sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();
        long old = service("steady").pid().orElseThrow();
        String oldId = supervisorId;
        killDaemon();
        Files.writeString(client.controlDirectory().file(ControlDirectory.STATE), "{\"torn");

        // a fresh launch replaces the lost state: what still ran of the old supervisor must not run on unsupervised
        launch(ctl, fast(ServiceSpec.shell("steady", "sleep 300").build()));
        assertThat(client.awaitReady(Duration.ofSeconds(30)).ready()).isTrue();

        await("the old run stopped", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(old));
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(oldId + "."))).isEmpty();
        assertThat(supervisorId).isNotEqualTo(oldId);
        assertThat(service("steady").run()).isEqualTo(1);
        assertThat(state().orElseThrow().problems()).singleElement().asString()
                .startsWith("stopped 1 run(s) of an earlier supervisor on this directory").contains(oldId + ".steady.1");
    }

    private List<SupervisorEvent> events() {
        try {
            return client.events(0).events();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @SuppressWarnings("unused")
    private static Map<Long, String> holders(String prefix) {
        return ProcessTree.cookieHolders(c -> c.startsWith(prefix));
    }
}
