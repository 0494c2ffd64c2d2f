package io.jenkins.plugins.selftest.steps;

import static io.jenkins.plugins.selftest.fakes.ServiceStates.failed;
import static io.jenkins.plugins.selftest.fakes.ServiceStates.state;
import static io.jenkins.plugins.selftest.fakes.ServiceStates.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.supervisor.Readiness;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceSpec;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a supervisor's spec and state mean for the step, without an execution. */
class ServiceProgressTest {

    @Test
    void readyWaitIsTheSumOfEveryServicesReadyTimeoutAndStartTime() {
        SupervisorSpec spec = SupervisorSpec.of(
                ServiceSpec.shell("db", "db").ready(Readiness.port(5432).withTimeout(Duration.ofSeconds(90)))
                        .startSeconds(Duration.ofSeconds(5)).build(),
                ServiceSpec.shell("api", "api").dependsOn("db").build());

        assertThat(ServiceProgress.readyTimeout(spec)).as("90 s + 5 s, and 30 s for the unchecked api")
                .isEqualTo(Duration.ofSeconds(125));
    }

    @Test
    void readyWaitIsAtLeastAMinute() {
        SupervisorSpec spec = SupervisorSpec.of(
                ServiceSpec.shell("db", "db").ready(Readiness.port(5432).withTimeout(Duration.ofSeconds(5))).build());

        assertThat(ServiceProgress.readyTimeout(spec)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void stopWaitIsTheLongestStopTimeoutAndTenSeconds() {
        SupervisorSpec spec = SupervisorSpec.of(ServiceSpec.shell("a", "a").stopTimeout(Duration.ofSeconds(3)).build(),
                ServiceSpec.shell("b", "b").stopTimeout(Duration.ofSeconds(20)).build());

        assertThat(ServiceProgress.stopWait(spec)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theBodyMayStartOnceEveryServiceIsReadyOrDoneSuccessfully() {
        assertThat(ServiceProgress.ready(state(status("db", ServiceState.READY), status("init", ServiceState.EXITED))))
                .isTrue();
        assertThat(ServiceProgress.ready(state(status("db", ServiceState.READY), status("api", ServiceState.RUNNING))))
                .isFalse();
    }

    @Test
    void theServiceToBlameIsOneThatFailedOnItsOwnNotItsDependent() {
        ServiceStatus dependent = failed("api", "dependency db failed", 0);
        ServiceStatus cause = failed("db", "restart limit reached (5 in 60s)", 3);

        assertThat(ServiceProgress.failed(state(dependent, cause))).contains(cause);
        assertThat(ServiceProgress.failed(state(dependent))).contains(dependent);
        assertThat(ServiceProgress.failed(state(status("db", ServiceState.READY)))).isEmpty();
    }

    @Test
    void statusAndStopLinesNameEveryService() {
        SupervisorState s = state(status("db", ServiceState.READY), failed("api", "gave up", 1));

        assertThat(ServiceProgress.status(s)).isEqualTo("db ready, api failed (5 restarts)");
        assertThat(ServiceProgress.stopped(s)).isEqualTo("db (ready, 0 restarts), api (failed, 5 restarts)");
    }

    @Test
    void aFailedServiceIsDescribedByItsMessageLastExitAndRestarts() {
        assertThat(ServiceProgress.describe(failed("api", "restart limit reached", 3)))
                .isEqualTo("restart limit reached; its last run ended with exit 3; 5 restarts");
        assertThat(ServiceProgress.describe(status("db", ServiceState.STOPPED))).isEqualTo("stopped");
    }
}
