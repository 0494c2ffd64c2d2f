package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a state says of readiness, without a daemon. */
class SupervisorClientTest {

    private static ServiceStatus service(String name, ServiceState state, String message) {
        return new ServiceStatus(name, state, 1, null, null, null, 0, List.of(), 0, null, null, null,
                Optional.ofNullable(message), 0, null, null, null);
    }

    private static SupervisorState state(SupervisorState.Phase phase, ServiceStatus... services) {
        return new SupervisorState("sup", phase, 1, Instant.EPOCH, Instant.EPOCH, List.of(services), 0, List.of());
    }

    @Test
    void theFailedServiceIsNamedRatherThanADependentThatFailedBecauseOfIt() {
        SupervisorState st = state(SupervisorState.Phase.RUNNING,
                service("api", ServiceState.FAILED, "dependency 'db' failed: exit 1"),
                service("db", ServiceState.FAILED, "gave up after 5 restarts, last exit 1"));

        SupervisorClient.ReadyResult r = SupervisorClient.settled(st).orElseThrow();

        assertThat(r.ready()).isFalse();
        assertThat(r.failedService()).contains("db");
        assertThat(r.reason()).isEqualTo("db failed: gave up after 5 restarts, last exit 1");
        assertThat(r.state()).contains(st);
    }

    @Test
    void everyServiceReadyOrEndedSuccessfullyIsReady() {
        SupervisorState st = state(SupervisorState.Phase.RUNNING, service("db", ServiceState.READY, null),
                service("migrate", ServiceState.EXITED, "exit 0"));

        assertThat(SupervisorClient.settled(st)).get().extracting(SupervisorClient.ReadyResult::ready,
                SupervisorClient.ReadyResult::reason).containsExactly(true, "all ready");
    }

    @Test
    void servicesStillComingUpAreNotSettledUnlessTheSupervisorStopped() {
        ServiceStatus starting = service("db", ServiceState.STARTING, null);

        assertThat(SupervisorClient.settled(state(SupervisorState.Phase.RUNNING, starting))).isEmpty();
        assertThat(SupervisorClient.settled(state(SupervisorState.Phase.STOPPING, starting))).get()
                .extracting(SupervisorClient.ReadyResult::reason).isEqualTo("supervisor is STOPPING");
    }
}
