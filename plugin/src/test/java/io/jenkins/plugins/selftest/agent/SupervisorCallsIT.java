package io.jenkins.plugins.selftest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceSpec;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent side of supervisedService with real processes: the daemon started from the engine's agent jar (as on
 * an agent), logs polled by offset in complete lines, the daemon killed with SIGKILL and resumed without a second
 * copy of the service, and a stop that leaves nothing behind.
 */
class SupervisorCallsIT {

    @TempDir
    Path tmp;
    private File dir;
    private String jar;
    private final List<String> cookies = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("supervised-test").toFile();
        jar = System.getProperty("engine.agent.jar");
        assertThat(jar).as("the engine's agent jar, built by the engine module").isNotNull();
        assertThat(Path.of(jar)).isRegularFile();
    }

    @AfterEach
    void tearDown() throws Exception {
        stop();
    }

    private PollResult stop() throws Exception {
        return new SupervisorCalls.Stop(Duration.ofSeconds(10), jar, new SupervisorCalls.Poll(List.of("ticker"),
                new long[] {0}, 64 * 1024), Map.of()).invoke(dir, null);
    }

    @Test
    void launchPollKillResumeAndStop() throws Exception {
        SupervisorSpec spec = SupervisorSpec.of(
                ServiceSpec.shell("ticker", "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.1; done").build());
        new SupervisorCalls.Launch(spec, jar, null, Map.of()).invoke(dir, null);

        PollResult first = pollUntil(new long[] {0}, r -> !r.lines(0).isEmpty()
                && r.state().flatMap(s -> s.service("ticker")).map(st -> st.state() == ServiceState.READY).orElse(false));
        assertThat(first.lines(0)).allMatch(l -> l.matches("tick \\d+"));
        assertThat(first.lines(0).get(0)).isEqualTo("tick 1");
        ServiceStatus before = first.state().orElseThrow().service("ticker").orElseThrow();
        long servicePid = before.pid().orElseThrow();
        cookies.add(before.cookie().orElseThrow());

        // offsets continue where the last poll stopped: no line twice, none lost
        long[] offsets = {first.logs().get(0).nextOffset()};
        PollResult second = pollUntil(offsets, r -> !r.lines(0).isEmpty());
        int last = Integer.parseInt(first.lines(0).get(first.lines(0).size() - 1).substring(5));
        assertThat(second.lines(0).get(0)).isEqualTo("tick " + (last + 1));

        // the daemon dies; the service lives on, and the poll notices the stale heartbeat
        long daemon = first.state().orElseThrow().pid();
        ProcessTree.send(daemon, io.jenkins.plugins.selftest.engine.process.Signal.KILL);
        PollResult stale = pollUntil(new long[] {second.logs().get(0).nextOffset()}, PollResult::stale, Duration.ofSeconds(40));
        assertThat(stale.stale()).isTrue();
        assertThat(ProcessTree.isRunning(servicePid)).as("the service outlives its supervisor").isTrue();

        assertThat(new SupervisorCalls.Resume(jar, Map.of()).invoke(dir, null)).as("started the replacement").isTrue();
        assertThat(new SupervisorCalls.Resume(jar, Map.of()).invoke(dir, null)).as("one replacement is enough").isFalse();
        PollResult resumed = pollUntil(new long[] {0}, r -> !r.stale() && r.state().map(s -> s.pid() != daemon
                && s.service("ticker").map(st -> st.state() == ServiceState.READY).orElse(false)).orElse(false));
        ServiceStatus after = resumed.state().orElseThrow().service("ticker").orElseThrow();
        assertThat(after.pid()).as("adopted, not started again: %s", Json.write(after)).contains(servicePid);
        assertThat(after.run()).isEqualTo(before.run());

        SupervisorState s = stop().state().orElseThrow();
        assertThat(s.service("ticker").orElseThrow().state()).isEqualTo(ServiceState.STOPPED);
        assertThat(ProcessTree.withCookie(before.cookie().orElseThrow())).isEmpty();
        assertThat(Files.readString(dir.toPath().resolve("logs/ticker.log"))).contains("tick 1\n");
    }

    /**
     * Issue #10, item 9, the step's side: a corrupt {@code state.json} under a dead supervisor must not make every
     * poll fail (the step would never see the stale heartbeat and never start the replacement that rebuilds the state).
     */
    @Test
    void aCorruptStateUnderADeadSupervisorStillPollsAsStaleAndTheReplacementAdoptsTheService() throws Exception {
        SupervisorSpec spec = SupervisorSpec.of(
                ServiceSpec.shell("ticker", "while true; do echo tick; sleep 0.1; done").build());
        new SupervisorCalls.Launch(spec, jar, null, Map.of()).invoke(dir, null);
        PollResult ready = pollUntil(new long[] {0}, r -> r.state().flatMap(s -> s.service("ticker"))
                .map(st -> st.state() == ServiceState.READY).orElse(false));
        ServiceStatus before = ready.state().orElseThrow().service("ticker").orElseThrow();
        cookies.add(before.cookie().orElseThrow());
        long daemon = ready.state().orElseThrow().pid();
        ProcessTree.send(daemon, io.jenkins.plugins.selftest.engine.process.Signal.KILL);
        Files.writeString(dir.toPath().resolve("state.json"), "{\"services\": [{\"name\": \"tick");

        PollResult stale = pollUntil(new long[] {0}, PollResult::stale, Duration.ofSeconds(40));
        assertThat(stale.state()).as("an unreadable state is no state").isEmpty();
        assertThat(stale.lines(0)).contains("tick");

        assertThat(new SupervisorCalls.Resume(jar, Map.of()).invoke(dir, null)).as("started the replacement").isTrue();
        PollResult resumed = pollUntil(new long[] {0}, r -> !r.stale() && r.state().map(s -> s.pid() != daemon
                && s.service("ticker").map(st -> st.state() == ServiceState.READY).orElse(false)).orElse(false));
        assertThat(resumed.state().orElseThrow().service("ticker").orElseThrow().pid())
                .as("adopted from the rebuilt state").isEqualTo(before.pid());
    }

    @Test
    void launchCreatesAMissingWorkspaceAsShDoes() throws Exception {
        // the first step of a new job: Jenkins has not made the workspace yet (pollUntil reads the service "ticker")
        Path ws = tmp.resolve("workspace").resolve("new-job");
        assertThat(ws).doesNotExist();
        SupervisorSpec spec = SupervisorSpec.of(ServiceSpec.shell("ticker", "pwd; sleep 30").workingDir(ws.toString()).build());

        new SupervisorCalls.Launch(spec, jar, ws.toString(), Map.of()).invoke(dir, null);

        PollResult r = pollUntil(new long[] {0}, p -> !p.lines(0).isEmpty());
        assertThat(ws).isDirectory();
        assertThat(r.lines(0).get(0)).isEqualTo(ws.toString());
        r.state().flatMap(s -> s.service("ticker")).flatMap(ServiceStatus::cookie).ifPresent(cookies::add);
    }

    @Test
    void reapStopsTheServicesOfALostBuildWhenNoSupervisorAnswers() throws Exception {
        SupervisorSpec spec = SupervisorSpec.of(ServiceSpec.shell("ticker", "while true; do echo tick; sleep 0.1; done").build());
        new SupervisorCalls.Launch(spec, jar, null, Map.of()).invoke(dir, null);
        PollResult ready = pollUntil(new long[] {0}, r -> r.state().flatMap(s -> s.service("ticker"))
                .map(st -> st.state() == ServiceState.READY).orElse(false));
        ServiceStatus ticker = ready.state().orElseThrow().service("ticker").orElseThrow();
        long daemon = ready.state().orElseThrow().pid();
        ProcessTree.send(daemon, io.jenkins.plugins.selftest.engine.process.Signal.KILL);

        String outcome = new SupervisorCalls.Reap(Duration.ofSeconds(1)).invoke(dir, null);

        assertThat(outcome).startsWith("no supervisor answered; stopped ");
        assertThat(ProcessTree.isRunning(ticker.pid().orElseThrow())).isFalse();
        assertThat(ProcessTree.withCookie(ticker.cookie().orElseThrow())).isEmpty();
        assertThat(new SupervisorCalls.Reap(Duration.ofSeconds(1)).invoke(tmp.resolve("gone").toFile(), null))
                .isEqualTo("control directory no longer exists");
    }

    private PollResult pollUntil(long[] offsets, Predicate<PollResult> done) throws Exception {
        return pollUntil(offsets, done, Duration.ofSeconds(20));
    }

    private PollResult pollUntil(long[] offsets, Predicate<PollResult> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        PollResult r;
        do {
            r = new SupervisorCalls.Poll(List.of("ticker"), offsets, 64 * 1024).invoke(dir, null);
            if (done.test(r)) {
                return r;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not reached within " + timeout + "; last poll: " + Json.write(r));
    }
}
