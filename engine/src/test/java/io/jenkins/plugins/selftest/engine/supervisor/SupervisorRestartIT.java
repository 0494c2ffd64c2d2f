package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.events;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.inState;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Restart policies, restart limits and windows, backoff timing, startSeconds: real processes. The same rules decided
 * from values alone are in {@link RestartBudgetTest}.
 */
class SupervisorRestartIT extends InProcessSupervisorFixture {

    private ControlDirectory dir() {
        return supervisor.controlDirectory();
    }

    @Test
    void aRestartDecidedInAdvanceStartsWhileTheSupervisorsSchedulerIsStillBusyWithTheExit() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.jenkins.plugins.selftest.engine.process.Keeper.available().isEmpty(),
                "restarts are armed in the keeper only");
        Path release = tmp.resolve("release");
        Path starts = tmp.resolve("starts");
        java.util.concurrent.CountDownLatch schedulerHeld = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
        ServiceSpec crash = ServiceSpec.shell("crash", "echo $SELFTEST_RUN >> '" + starts + "'; "
                + "while [ ! -e '" + release + "' ]; do sleep 0.02; done; rm -f '" + release + "'; exit 1")
                .restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).maxRestarts(-1).build();
        supervisor = Supervisor.start(new ControlDirectory(tmp.resolve("ctl")), SupervisorSpec.of(crash),
                heldAtTheFirstExit(schedulerHeld, letGo));
        await("run 1", Duration.ofSeconds(10), () -> lines(starts).equals(List.of("1")));
        await("run 1 armed its restart", Duration.ofSeconds(10), () -> inState(supervisor, "crash", ServiceState.READY));
        Thread.sleep(200);

        java.nio.file.Files.createFile(release);
        assertThat(schedulerHeld.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        await("run 2 started by the keeper while the scheduler is held", Duration.ofSeconds(10),
                () -> lines(starts).equals(List.of("1", "2")));
        letGo.countDown();

        await("run 2 recorded", Duration.ofSeconds(10), () -> status(supervisor, "crash").run() == 2
                && status(supervisor, "crash").state() == ServiceState.READY);
        ServiceStatus st = status(supervisor, "crash");
        assertThat(st.restarts()).isEqualTo(1);
        assertThat(st.pid()).get().satisfies(pid -> assertThat(ProcessTree.cookie(pid)).contains(st.cookie().orElseThrow()));
        assertThat(events(supervisor, "crash", SupervisorEvent.Type.SPAWNED)).hasSize(2);
        supervisor.stop("test over");
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(supervisor.state().supervisorId() + "."))).isEmpty();
    }

    @Test
    void theRestartsOfServicesStartedTogetherAreArmedOnceTheirStartsAreDone() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.jenkins.plugins.selftest.engine.process.Keeper.available().isEmpty(),
                "restarts are armed in the keeper only");
        // enough services that most arms are asked for while other starts are still queued or under way, and are put
        // off until none is; each blocks reading its FIFO, and exits 1 when the test opens and closes it
        List<String> names = java.util.stream.IntStream.range(0, 40).mapToObj(i -> "s" + i).toList();
        List<ServiceSpec> specs = new java.util.ArrayList<>();
        for (String n : names) {
            new ProcessBuilder("mkfifo", tmp.resolve("fifo." + n).toString()).start().waitFor();
            specs.add(ServiceSpec.shell(n, "echo $SELFTEST_RUN >> '" + tmp.resolve("starts." + n) + "'; read x < '"
                    + tmp.resolve("fifo." + n) + "'; exit 1").restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).maxRestarts(-1).build());
        }
        java.util.concurrent.CountDownLatch schedulerHeld = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
        supervisor = Supervisor.start(new ControlDirectory(tmp.resolve("ctl")), SupervisorSpec.of(specs),
                heldAtTheFirstExit(schedulerHeld, letGo));
        try {
            await("all started", Duration.ofSeconds(20), () -> names.stream().allMatch(n -> inState(supervisor, n, ServiceState.READY)));
            Thread.sleep(500); // the arms put off while the starts were under way are made by now

            for (String n : names) {
                java.nio.file.Files.newOutputStream(tmp.resolve("fifo." + n)).close();
            }
            assertThat(schedulerHeld.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            await("every run 2 started by the keeper while the scheduler is held", Duration.ofSeconds(10),
                    () -> names.stream().allMatch(n -> lines(tmp.resolve("starts." + n)).equals(List.of("1", "2"))));
        } finally {
            letGo.countDown();
        }
        await("every run 2 recorded", Duration.ofSeconds(20), () -> names.stream()
                .allMatch(n -> status(supervisor, n).run() == 2 && status(supervisor, n).state() == ServiceState.READY));
        supervisor.stop("test over");
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(supervisor.state().supervisorId() + "."))).isEmpty();
    }

    /**
     * A fresh start whose listener, which runs on the scheduler thread, holds that thread at the first EXITED event
     * (counting {@code held} down) until {@code letGo}: the supervisor then decides nothing more.
     */
    private static Supervisor.Options heldAtTheFirstExit(java.util.concurrent.CountDownLatch held,
                                                         java.util.concurrent.CountDownLatch letGo) {
        return Supervisor.Options.fresh("t" + System.nanoTime()).withListener(e -> {
            if (e.type() == SupervisorEvent.Type.EXITED && held.getCount() > 0) {
                held.countDown();
                try {
                    letGo.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    private static List<String> lines(Path file) {
        try {
            return java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    @Test
    void restartsOnFailureUntilLimitThenGivesUp() throws Exception {
        run(ServiceSpec.shell("crash", "exit 3").backoff(Backoff.NONE).maxRestarts(3).build());

        await("crash to give up", Duration.ofSeconds(10), () -> inState(supervisor, "crash", ServiceState.FAILED));

        ServiceStatus st = status(supervisor, "crash");
        assertThat(st.restarts()).isEqualTo(3);
        assertThat(st.run()).isEqualTo(4);
        assertThat(st.lastExit()).get().extracting(ExitInfo::code).isEqualTo(3);
        assertThat(st.message()).get().asString().contains("gave up after 3 restarts");
        assertThat(events(supervisor, "crash", SupervisorEvent.Type.EXITED)).hasSize(4)
                .allSatisfy(e -> assertThat(e.exitCode()).contains(3));
        assertThat(events(supervisor, "crash", SupervisorEvent.Type.GAVE_UP)).hasSize(1);
    }

    @Test
    void onFailureTreatsConfiguredCodesAsSuccess() throws Exception {
        run(ServiceSpec.shell("zero", "exit 0").backoff(Backoff.NONE).build(),
                ServiceSpec.shell("three", "exit 3").successExitCodes(Set.of(0, 3)).backoff(Backoff.NONE).build(),
                ServiceSpec.shell("four", "exit 4").successExitCodes(Set.of(0, 3)).backoff(Backoff.NONE).maxRestarts(1).build());

        await("all to end", Duration.ofSeconds(10), () -> supervisor.state().services().stream().allMatch(s -> s.state().terminal()));

        assertThat(status(supervisor, "zero").state()).isEqualTo(ServiceState.EXITED);
        assertThat(status(supervisor, "zero").restarts()).isZero();
        assertThat(status(supervisor, "three").state()).isEqualTo(ServiceState.EXITED);
        assertThat(status(supervisor, "three").restarts()).isZero();
        assertThat(status(supervisor, "four").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status(supervisor, "four").restarts()).isEqualTo(1);
    }

    @Test
    void alwaysRestartsEvenAfterSuccessAndNeverDoesNot() throws Exception {
        run(ServiceSpec.shell("always", "exit 0").restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).maxRestarts(2).build(),
                ServiceSpec.shell("never", "exit 1").restart(RestartPolicy.NEVER).build());

        await("both to end", Duration.ofSeconds(10), () -> supervisor.state().services().stream().allMatch(s -> s.state().terminal()));

        assertThat(status(supervisor, "always").restarts()).isEqualTo(2);
        assertThat(status(supervisor, "always").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status(supervisor, "never").restarts()).isZero();
        assertThat(status(supervisor, "never").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status(supervisor, "never").message()).get().asString().contains("exit 1").contains("never");
    }

    @Test
    void restartWindowForgetsRestartsOlderThanTheWindow() throws Exception {
        // 2 restarts per 400 ms allowed; each run lasts ~250 ms, so the limit is never reached
        run(ServiceSpec.shell("slow", "sleep 0.25; exit 1").backoff(Backoff.NONE).maxRestarts(2)
                .restartWindow(Duration.ofMillis(400)).build(),
            ServiceSpec.shell("fast", "exit 1").backoff(Backoff.NONE).maxRestarts(2)
                .restartWindow(Duration.ofMillis(400)).build());

        await("slow to restart 5 times", Duration.ofSeconds(10), () -> status(supervisor, "slow").restarts() >= 5);

        assertThat(status(supervisor, "slow").state()).isNotEqualTo(ServiceState.FAILED);
        assertThat(status(supervisor, "fast").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status(supervisor, "fast").restarts()).isEqualTo(2);
    }

    @Test
    void backoffDelaysDoubleUpToTheCap() throws Exception {
        Backoff backoff = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(400), Duration.ofSeconds(10));
        run(ServiceSpec.shell("crash", "exit 1").backoff(backoff).maxRestarts(5).build());

        await("crash to give up", Duration.ofSeconds(10), () -> inState(supervisor, "crash", ServiceState.FAILED));

        List<SupervisorEvent> restarting = events(supervisor, "crash", SupervisorEvent.Type.RESTARTING);
        assertThat(restarting).extracting(e -> e.delayMs().orElseThrow()).containsExactly(100L, 200L, 400L, 400L, 400L);
        List<Instant> exits = events(supervisor, "crash", SupervisorEvent.Type.EXITED).stream().map(SupervisorEvent::time).toList();
        List<Instant> spawns = events(supervisor, "crash", SupervisorEvent.Type.SPAWNED).stream().map(SupervisorEvent::time).toList();
        long[] expected = {100, 200, 400, 400, 400};
        for (int i = 0; i < expected.length; i++) {
            long gap = Duration.between(exits.get(i), spawns.get(i + 1)).toMillis();
            assertThat(gap).as("exit %d to next spawn", i).isBetween(expected[i], expected[i] + 150);
        }
    }

    @Test
    void backoffStartsOverAfterAStableRun() throws Exception {
        // each run stays up longer than resetAfter, so every restart is a "first" one
        Backoff backoff = new Backoff(Duration.ofMillis(50), 4.0, Duration.ofSeconds(5), Duration.ofMillis(100));
        run(ServiceSpec.shell("steady", "sleep 0.2; exit 1").backoff(backoff).maxRestarts(-1).build());

        await("3 restarts", Duration.ofSeconds(10), () -> status(supervisor, "steady").restarts() >= 3);

        assertThat(events(supervisor, "steady", SupervisorEvent.Type.RESTARTING))
                .allSatisfy(e -> assertThat(e.delayMs()).contains(50L));
    }

    @Test
    void startSecondsCountsARunAsStartedOnlyAfterThatUptime() throws Exception {
        run(ServiceSpec.shell("slowstart", "sleep 30").startSeconds(Duration.ofMillis(600)).build(),
                ServiceSpec.shell("early", "sleep 0.1; exit 0").startSeconds(Duration.ofSeconds(1)).maxRestarts(1)
                        .backoff(Backoff.NONE).build());

        await("slowstart spawned", Duration.ofSeconds(5), () -> status(supervisor, "slowstart").pid().isPresent());
        Thread.sleep(200);
        assertThat(status(supervisor, "slowstart").state()).isEqualTo(ServiceState.STARTING);
        await("slowstart ready", Duration.ofSeconds(5), () -> inState(supervisor, "slowstart", ServiceState.READY));
        // exit 0 before startSeconds is a failed start: restarted, then given up
        await("early to give up", Duration.ofSeconds(5), () -> inState(supervisor, "early", ServiceState.FAILED));
        assertThat(status(supervisor, "early").restarts()).isEqualTo(1);
        assertThat(events(supervisor, "early", SupervisorEvent.Type.STARTED)).isEmpty();
    }
}
