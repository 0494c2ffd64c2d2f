package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When each chore of the housekeeping thread is due, from clock values alone. */
class HousekeeperTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 5_000 * MS;

    @Test
    void everyChoreIsDueOnTheFirstTickAndASweepOnlyWithSomethingToSweep() {
        assertThat(new Housekeeper.Schedule(Duration.ofSeconds(2)).tick(T0, true))
                .isEqualTo(new Housekeeper.Due(true, true, true));
        assertThat(new Housekeeper.Schedule(Duration.ofSeconds(2)).tick(T0, false))
                .isEqualTo(new Housekeeper.Due(true, true, false));
    }

    @Test
    void theHeartbeatFollowsItsIntervalAndTheStopRequestIsCheckedEvery200Ms() {
        Housekeeper.Schedule s = new Housekeeper.Schedule(Duration.ofSeconds(2));
        s.tick(T0, false);

        assertThat(s.tick(T0 + 100 * MS, false)).isEqualTo(new Housekeeper.Due(false, false, false));
        assertThat(s.tick(T0 + 200 * MS, false)).isEqualTo(new Housekeeper.Due(false, true, false));
        assertThat(s.tick(T0 + 300 * MS, false)).isEqualTo(new Housekeeper.Due(false, false, false));
        assertThat(s.tick(T0 + 1_999 * MS, false)).isEqualTo(new Housekeeper.Due(false, true, false));
        assertThat(s.tick(T0 + 2_000 * MS, false)).isEqualTo(new Housekeeper.Due(true, false, false));
    }

    @Test
    void leftoversAreSweptAtMostOnceASecondAndAtOnceWhenTheFirstRunEnds() {
        Housekeeper.Schedule s = new Housekeeper.Schedule(Duration.ofSeconds(2));
        s.tick(T0, false);

        assertThat(s.tick(T0 + 100 * MS, true).sweep()).as("first ended run").isTrue();
        assertThat(s.tick(T0 + 200 * MS, true).sweep()).isFalse();
        assertThat(s.tick(T0 + 1_099 * MS, true).sweep()).isFalse();
        assertThat(s.tick(T0 + 1_100 * MS, false).sweep()).as("nothing to sweep").isFalse();
        assertThat(s.tick(T0 + 1_200 * MS, true).sweep()).isTrue();
    }
}
