package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.events;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.freePort;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.inState;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.listener;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Readiness of each probe kind, a probe that never passes, dependency order with parallel start. */
class SupervisorReadinessIT extends InProcessSupervisorFixture {

    private static Readiness quick(Readiness r) {
        return r.withInterval(Duration.ofMillis(50)).withTimeout(Duration.ofSeconds(20));
    }

    @Test
    void tcpProbePassesOnceThePortAcceptsConnections() throws Exception {
        int port = freePort();
        run(ServiceSpec.shell("tcp", listener(port, 0.4)).ready(quick(Readiness.port(port))).build());

        await("spawn", Duration.ofSeconds(5), () -> status(supervisor, "tcp").pid().isPresent());
        assertThat(status(supervisor, "tcp").state()).isEqualTo(ServiceState.RUNNING);
        await("tcp ready", Duration.ofSeconds(10), () -> inState(supervisor, "tcp", ServiceState.READY));

        ServiceStatus st = status(supervisor, "tcp");
        assertThat(Duration.between(st.startedAt().orElseThrow(), st.readyAt().orElseThrow())).isGreaterThanOrEqualTo(Duration.ofMillis(350));
    }

    @Test
    void httpProbeNeedsA2xxAnswer() throws Exception {
        int port = freePort();
        run(ServiceSpec.shell("web", listener(port, 0.2)).ready(quick(Readiness.http("http://127.0.0.1:" + port + "/health"))).build());

        await("web ready", Duration.ofSeconds(10), () -> inState(supervisor, "web", ServiceState.READY));

        assertThat(events(supervisor, "web", SupervisorEvent.Type.READY).get(0).message()).contains("http");
    }

    @Test
    void logProbeWaitsForAMatchingLineOfThisRun() throws Exception {
        run(ServiceSpec.shell("logger", "echo booting; sleep 0.3; echo 'server listening on 8080'; sleep 30")
                .ready(quick(Readiness.log("listening on \\d+"))).build());

        await("logger spawned", Duration.ofSeconds(5), () -> status(supervisor, "logger").pid().isPresent());
        Thread.sleep(150);
        assertThat(status(supervisor, "logger").state()).isEqualTo(ServiceState.RUNNING);
        await("logger ready", Duration.ofSeconds(10), () -> inState(supervisor, "logger", ServiceState.READY));
    }

    @Test
    void commandProbeWaitsForExitZeroAndProbesCompose() throws Exception {
        Path marker = tmp.resolve("marker");
        int port = freePort();
        Readiness both = Readiness.command(List.of("test", "-f", marker.toString())).and(Readiness.port(port));
        run(ServiceSpec.shell("combo", "sleep 0.3; touch " + marker + "; " + listener(port, 0.3)).ready(quick(both)).build());

        await("combo ready", Duration.ofSeconds(10), () -> inState(supervisor, "combo", ServiceState.READY));

        ServiceStatus st = status(supervisor, "combo");
        assertThat(Duration.between(st.startedAt().orElseThrow(), st.readyAt().orElseThrow())).isGreaterThanOrEqualTo(Duration.ofMillis(550));
        assertThat(events(supervisor, "combo", SupervisorEvent.Type.READY).get(0).message())
                .contains("command").contains("port");
    }

    @Test
    void probeThatNeverPassesFailsAfterItsTimeoutWithTheReasonAndStopsTheTree() throws Exception {
        int port = freePort();
        Readiness never = Readiness.port(port).withInterval(Duration.ofMillis(100)).withTimeout(Duration.ofSeconds(1));
        run(ServiceSpec.shell("deaf", "sleep 60").ready(never).build(),
                ServiceSpec.shell("client", "sleep 60").dependsOn("deaf").build());
        await("spawn", Duration.ofSeconds(5), () -> status(supervisor, "deaf").cookie().isPresent());
        String cookie = status(supervisor, "deaf").cookie().orElseThrow();
        Instant start = Instant.now();

        await("deaf to fail", Duration.ofSeconds(10), () -> inState(supervisor, "deaf", ServiceState.FAILED));

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(3));
        assertThat(status(supervisor, "deaf").message()).get().asString()
                .contains("not ready").contains("port localhost:" + port).contains("within 1s").contains("refused");
        await("client to fail", Duration.ofSeconds(2), () -> inState(supervisor, "client", ServiceState.FAILED));
        assertThat(status(supervisor, "client").message()).get().asString().contains("dependency 'deaf' failed");
        assertThat(status(supervisor, "client").run()).isZero();
        await("deaf's tree gone", Duration.ofSeconds(15), () -> ProcessTree.withCookie(cookie).isEmpty());
        Thread.sleep(300);
        // the end of the failed run is not a crash to restart
        assertThat(status(supervisor, "deaf").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status(supervisor, "deaf").run()).isEqualTo(1);
    }

    @Test
    void dependentsStartAfterTheirDependenciesAreReadyAndIndependentOnesInParallel() throws Exception {
        Readiness slowReady = quick(Readiness.log("up"));
        run(ServiceSpec.shell("db", "sleep 0.5; echo up; sleep 60").ready(slowReady).build(),
                ServiceSpec.shell("cache", "sleep 0.5; echo up; sleep 60").ready(slowReady).build(),
                ServiceSpec.shell("api", "echo up; sleep 60").dependsOn("db", "cache").ready(slowReady).build(),
                ServiceSpec.shell("web", "sleep 60").dependsOn("api").build());

        await("web ready", Duration.ofSeconds(10), () -> inState(supervisor, "web", ServiceState.READY));

        Supervisor d = supervisor;

        Instant dbSpawn = events(d, "db", SupervisorEvent.Type.SPAWNED).get(0).time();
        Instant cacheSpawn = events(d, "cache", SupervisorEvent.Type.SPAWNED).get(0).time();
        Instant dbReady = events(d, "db", SupervisorEvent.Type.READY).get(0).time();
        Instant cacheReady = events(d, "cache", SupervisorEvent.Type.READY).get(0).time();
        Instant apiSpawn = events(d, "api", SupervisorEvent.Type.SPAWNED).get(0).time();
        Instant apiReady = events(d, "api", SupervisorEvent.Type.READY).get(0).time();
        Instant webSpawn = events(d, "web", SupervisorEvent.Type.SPAWNED).get(0).time();
        // independent: each started before the other was ready, not one after the other
        assertThat(cacheSpawn).isBefore(dbReady);
        assertThat(dbSpawn).isBefore(cacheReady);
        assertThat(apiSpawn).isAfterOrEqualTo(dbReady).isAfterOrEqualTo(cacheReady);
        assertThat(webSpawn).isAfterOrEqualTo(apiReady);
        assertThat(events(d, "api", SupervisorEvent.Type.WAITING)).hasSize(1);
    }
}
