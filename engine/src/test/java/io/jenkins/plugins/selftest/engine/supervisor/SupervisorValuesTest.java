package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The values the Jenkins step reads through remoting round-trip through the engine's JSON codec. */
class SupervisorValuesTest {

    @Test
    void stateEventsAndLauncherRoundTrip() {
        ServiceStatus s = new ServiceStatus("api", ServiceState.READY, 3, Optional.of(42L), Optional.of(9000L),
                Optional.of("id.api.3"), 2, List.of(Instant.parse("2026-01-01T00:00:00Z")), 1,
                Optional.of(Instant.parse("2026-01-01T00:00:01Z")), Optional.empty(),
                Optional.of(ExitInfo.of(2, 143, Instant.parse("2026-01-01T00:00:00.5Z"), ExitInfo.Recorded.PROCESS)), Optional.empty(), 12,
                Optional.of("127.0.0.1"), java.util.Map.of("5432", 40001), Optional.of("selftest-svc-x-api"));
        SupervisorState state = new SupervisorState("id", SupervisorState.Phase.RUNNING, 7, Instant.EPOCH, Instant.EPOCH,
                List.of(s), 0, List.of("x"));
        SupervisorEvent e = new SupervisorEvent(1, Instant.EPOCH, SupervisorEvent.Type.RESTARTING, Optional.of("api"), 3,
                Optional.empty(), Optional.empty(), Optional.of(200L), "in 200 ms");
        DaemonLauncher how = new DaemonLauncher(Path.of("/usr/bin/java"), List.of(Path.of("/opt/engine.jar")),
                DaemonLauncher.DEFAULT_JVM_FLAGS, DaemonLauncher.DEFAULT_ENVIRONMENT);

        assertThat(Json.read(Json.write(state), SupervisorState.class)).isEqualTo(state);
        assertThat(Json.read(Json.write(e), SupervisorEvent.class)).isEqualTo(e);
        assertThat(Json.read(Json.write(how), DaemonLauncher.class)).isEqualTo(how);
        assertThat(s.lastExit().orElseThrow().describe()).isEqualTo("killed by TERM (143)");
    }

    @Test
    void daemonCommandLineRunsTheDaemonClassOnTheControlDirectory() {
        DaemonLauncher how = new DaemonLauncher(Path.of("/usr/bin/java"), List.of(Path.of("/opt/engine.jar")),
                List.of("-Xmx16m"), null);

        assertThat(how.command(Path.of("/ws@tmp/supervised-1"), true)).containsExactly("/usr/bin/java", "-Xmx16m", "-cp",
                "/opt/engine.jar", SupervisorDaemon.class.getName(), "/ws@tmp/supervised-1", "--resume");
        assertThat(how.environment()).containsEntry("MALLOC_ARENA_MAX", "2");
    }
}
