package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resuming after a kill -9 of the daemon at the awkward moments: after a run's wrapper ended and left a {@code setsid}'d
 * grandchild, between a spawn and the state write that records it, and with a {@code state.json} that cannot be read.
 */
class SupervisorResumeIT {

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

    private void launch(Path ctl, SupervisorSpec spec) throws Exception {
        client = SupervisorClient.launch(ctl, spec, DaemonLauncher.currentJvm());
        await("first state", Duration.ofSeconds(30), () -> state().isPresent());
        supervisorId = state().orElseThrow().supervisorId();
    }

    private Optional<SupervisorState> state() {
        try {
            return client.state();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // being replaced right now
        }
    }

    private ServiceStatus service(String name) {
        return state().orElseThrow().service(name).orElseThrow();
    }

    private long killDaemon() throws Exception {
        long daemon = client.owner().orElseThrow().pid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("daemon dead", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(daemon));
        return daemon;
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
        long dead = killDaemon();
        Files.writeString(go, "");
        ControlDirectory dir = client.controlDirectory();
        await("run 1's exit file", Duration.ofSeconds(10), () -> dir.readExitCode("api", 1).isPresent());
        await("the grandchild's pid", Duration.ofSeconds(5), () -> read(sleeper).endsWith("\n"));
        long grandchild = Long.parseLong(read(sleeper).trim());
        assertThat(ProcessTree.isRunning(wrapper)).isFalse();
        assertThat(ProcessTree.isRunning(grandchild)).as("the stray carries run 1's cookie and leads its group").isTrue();
        assertThat(ProcessTree.processGroup(grandchild)).contains(grandchild);

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
        long dead = killDaemon();
        Files.writeString(quit, "");
        ControlDirectory dir = client.controlDirectory();
        await("quitter's exit file", Duration.ofSeconds(10), () -> dir.readExitCode("quitter", 1).isPresent());
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

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }
}
