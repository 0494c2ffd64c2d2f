package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The restart rules, decided from exits and clock values alone (the timing ITs are in SupervisorRestartIT). */
class RestartBudgetTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration SHORT_RUN = Duration.ofMillis(10);

    private static ExitInfo exit(int code, Instant at) {
        return ExitInfo.of(1, code, at, ExitInfo.Recorded.PROCESS);
    }

    private static ServiceSpec.Builder crash() {
        return ServiceSpec.shell("crash", "exit 3");
    }

    @Test
    void onFailureRestartsUntilMaxRestartsWithinTheWindowThenGivesUp() {
        ServiceSpec spec = crash().backoff(Backoff.NONE).maxRestarts(3).build();
        RestartBudget budget = RestartBudget.FRESH;
        List<RestartBudget.Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RestartBudget.Decision d = budget.afterExit(spec, exit(3, T0.plusSeconds(i)), false, SHORT_RUN);
            decisions.add(d);
            budget = d.budget();
        }

        assertThat(decisions.subList(0, 3)).allSatisfy(d -> assertThat(d).isInstanceOf(RestartBudget.Restart.class));
        assertThat(decisions.get(3)).isInstanceOfSatisfying(RestartBudget.GiveUp.class, g -> assertThat(g.reason())
                .isEqualTo("gave up after 3 restarts within 1m, last exit 3"));
        assertThat(budget.restarts()).isEqualTo(3);
    }

    @Test
    void restartsOlderThanTheWindowNoLongerCount() {
        ServiceSpec spec = crash().backoff(Backoff.NONE).maxRestarts(2).restartWindow(Duration.ofSeconds(10)).build();
        RestartBudget budget = RestartBudget.FRESH;
        budget = budget.afterExit(spec, exit(1, T0), false, SHORT_RUN).budget();
        budget = budget.afterExit(spec, exit(1, T0.plusSeconds(5)), false, SHORT_RUN).budget();

        RestartBudget.Decision third = budget.afterExit(spec, exit(1, T0.plusSeconds(9)), false, SHORT_RUN);
        RestartBudget.Decision slid = budget.afterExit(spec, exit(1, T0.plusSeconds(11)), false, SHORT_RUN);

        assertThat(third).isInstanceOf(RestartBudget.GiveUp.class);
        assertThat(slid).isInstanceOf(RestartBudget.Restart.class);
        assertThat(slid.budget().recentRestarts()).containsExactly(T0.plusSeconds(5), T0.plusSeconds(11));
        assertThat(slid.budget().restarts()).isEqualTo(3);
    }

    @Test
    void aZeroWindowCountsEveryRestartOfTheSupervisorsLife() {
        ServiceSpec spec = crash().backoff(Backoff.NONE).maxRestarts(1).restartWindow(Duration.ZERO).build();
        RestartBudget budget = RestartBudget.FRESH.afterExit(spec, exit(1, T0), false, SHORT_RUN).budget();

        RestartBudget.Decision later = budget.afterExit(spec, exit(1, T0.plus(Duration.ofDays(30))), false, SHORT_RUN);

        assertThat(later).isInstanceOfSatisfying(RestartBudget.GiveUp.class,
                g -> assertThat(g.reason()).isEqualTo("gave up after 1 restarts, last exit 1"));
    }

    @Test
    void withoutALimitItNeverGivesUpAndKeepsNoWindow() {
        ServiceSpec spec = crash().backoff(Backoff.NONE).maxRestarts(-1).build();
        RestartBudget budget = RestartBudget.FRESH;
        for (int i = 0; i < 1000; i++) {
            RestartBudget.Decision d = budget.afterExit(spec, exit(1, T0.plusMillis(i)), false, SHORT_RUN);
            assertThat(d).isInstanceOf(RestartBudget.Restart.class);
            budget = d.budget();
        }
        assertThat(budget.restarts()).isEqualTo(1000);
        assertThat(budget.recentRestarts()).isEmpty();
    }

    @Test
    void backoffGrowsByItsFactorUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(400), Duration.ofSeconds(10));
        ServiceSpec spec = crash().backoff(backoff).maxRestarts(-1).build();
        RestartBudget budget = RestartBudget.FRESH;
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RestartBudget.Restart r = (RestartBudget.Restart) budget.afterExit(spec, exit(1, T0.plusSeconds(i)), false, SHORT_RUN);
            delays.add(r.delay().toMillis());
            budget = r.budget();
        }

        assertThat(delays).containsExactly(100L, 200L, 400L, 400L, 400L);
        assertThat(budget.consecutiveFailures()).isEqualTo(5);
    }

    @Test
    void backoffStartsOverAfterAStableRun() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), 4.0, Duration.ofSeconds(5), Duration.ofMillis(100));
        ServiceSpec spec = crash().backoff(backoff).maxRestarts(-1).build();
        RestartBudget afterTwo = RestartBudget.FRESH.afterExit(spec, exit(1, T0), false, SHORT_RUN).budget()
                .afterExit(spec, exit(1, T0.plusSeconds(1)), false, SHORT_RUN).budget();

        RestartBudget.Restart unstable = (RestartBudget.Restart) afterTwo.afterExit(spec, exit(1, T0.plusSeconds(2)), false,
                Duration.ofMillis(99));
        RestartBudget.Restart stable = (RestartBudget.Restart) afterTwo.afterExit(spec, exit(1, T0.plusSeconds(2)), false,
                Duration.ofMillis(100));

        assertThat(unstable.delay()).isEqualTo(Duration.ofMillis(800));
        assertThat(stable.delay()).isEqualTo(Duration.ofMillis(50));
        assertThat(stable.budget().consecutiveFailures()).isEqualTo(1);
        assertThat(stable.budget().restarts()).isEqualTo(3);
    }

    @Test
    void aStableRunThatHitsTheLimitStillResetsTheBackoff() {
        ServiceSpec spec = crash().backoff(Backoff.DEFAULT).maxRestarts(0).build();
        RestartBudget budget = new RestartBudget(4, List.of(), 4);

        RestartBudget.Decision d = budget.afterExit(spec, exit(1, T0), false, Duration.ofMinutes(1));

        assertThat(d).isInstanceOf(RestartBudget.GiveUp.class);
        assertThat(d.budget()).isEqualTo(new RestartBudget(4, List.of(), 0));
    }

    @Test
    void onFailureEndsASuccessfulExitAndTreatsConfiguredCodesAsSuccess() {
        ServiceSpec spec = crash().successExitCodes(Set.of(0, 3)).build();

        RestartBudget.Decision zero = RestartBudget.FRESH.afterExit(spec, exit(0, T0), false, SHORT_RUN);
        RestartBudget.Decision three = RestartBudget.FRESH.afterExit(spec, exit(3, T0), false, SHORT_RUN);
        RestartBudget.Decision four = RestartBudget.FRESH.afterExit(spec, exit(4, T0), false, SHORT_RUN);

        assertThat(zero).isEqualTo(new RestartBudget.Finish(true, "exit 0", "", RestartBudget.FRESH));
        assertThat(three).isEqualTo(new RestartBudget.Finish(true, "exit 3", "", RestartBudget.FRESH));
        assertThat(four).isInstanceOf(RestartBudget.Restart.class);
    }

    @Test
    void alwaysRestartsAfterSuccessAndNeverEndsEveryExit() {
        ServiceSpec always = crash().restart(RestartPolicy.ALWAYS).build();
        ServiceSpec never = crash().restart(RestartPolicy.NEVER).build();

        assertThat(RestartBudget.FRESH.afterExit(always, exit(0, T0), false, SHORT_RUN)).isInstanceOf(RestartBudget.Restart.class);
        assertThat(RestartBudget.FRESH.afterExit(never, exit(1, T0), false, SHORT_RUN)).isEqualTo(new RestartBudget.Finish(
                false, "exit 1, restart policy never", "restart policy never", RestartBudget.FRESH));
        assertThat(RestartBudget.FRESH.afterExit(never, exit(0, T0), false, SHORT_RUN))
                .isEqualTo(new RestartBudget.Finish(true, "exit 0", "", RestartBudget.FRESH));
    }

    @Test
    void anExitBeforeStartSecondsIsAFailedStartWhateverItsCode() {
        ServiceSpec onFailure = crash().build();
        ServiceSpec never = crash().restart(RestartPolicy.NEVER).build();

        assertThat(RestartBudget.FRESH.afterExit(onFailure, exit(0, T0), true, SHORT_RUN)).isInstanceOf(RestartBudget.Restart.class);
        assertThat(RestartBudget.FRESH.afterExit(never, exit(0, T0), true, SHORT_RUN)).isEqualTo(new RestartBudget.Finish(
                false, "exit 0, restart policy never", "restart policy never", RestartBudget.FRESH));
    }

    @ParameterizedTest
    @ValueSource(ints = {126, 127})
    void aCommandThatCannotRunGivesUpAtOnceWhateverThePolicy(int code) {
        ServiceSpec spec = crash().restart(RestartPolicy.ALWAYS).maxRestarts(-1).build();

        RestartBudget.Decision d = RestartBudget.FRESH.afterExit(spec, exit(code, T0), false, SHORT_RUN);

        assertThat(d).isInstanceOfSatisfying(RestartBudget.GiveUp.class, g -> assertThat(g.reason())
                .isEqualTo("exit " + code + ": the command was not found or is not executable (see logs/crash.log):"
                        + " fix the command or its PATH"));
        assertThat(d.budget()).isEqualTo(RestartBudget.FRESH);
    }

    @Test
    void aResumedBudgetGoesOnFromWhatTheStatusRecorded() {
        ServiceStatus recorded = new ServiceStatus("crash", ServiceState.BACKOFF, 3, null, null, null, 2,
                List.of(T0, T0.plusSeconds(1)), 2, null, null, null, null, 0, null, null, null);
        ServiceSpec spec = crash().backoff(Backoff.DEFAULT).maxRestarts(3).build();

        RestartBudget.Decision d = RestartBudget.of(recorded).afterExit(spec, exit(1, T0.plusSeconds(2)), false, SHORT_RUN);

        assertThat(d).isInstanceOfSatisfying(RestartBudget.Restart.class,
                r -> assertThat(r.delay()).isEqualTo(Duration.ofMillis(400)));
        assertThat(d.budget().restarts()).isEqualTo(3);
    }
}
