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
        assertThat(new Housekeeper.Schedule(Duration.ofSeconds(2)).tick(T0, true, true))
                .isEqualTo(new Housekeeper.Due(true, true, true, true));
        assertThat(new Housekeeper.Schedule(Duration.ofSeconds(2)).tick(T0, false, false))
                .isEqualTo(new Housekeeper.Due(true, true, false, false));
    }

    @Test
    void theHeartbeatFollowsItsIntervalAndTheStopRequestIsCheckedEvery200Ms() {
        Housekeeper.Schedule s = new Housekeeper.Schedule(Duration.ofSeconds(2));
        s.tick(T0, false, false);

        assertThat(s.tick(T0 + 100 * MS, false, false)).isEqualTo(new Housekeeper.Due(false, false, false, false));
        assertThat(s.tick(T0 + 200 * MS, false, false)).isEqualTo(new Housekeeper.Due(false, true, false, false));
        assertThat(s.tick(T0 + 300 * MS, false, false)).isEqualTo(new Housekeeper.Due(false, false, false, false));
        assertThat(s.tick(T0 + 1_999 * MS, false, false)).isEqualTo(new Housekeeper.Due(false, true, false, false));
        assertThat(s.tick(T0 + 2_000 * MS, false, false)).isEqualTo(new Housekeeper.Due(true, false, false, false));
    }

    @Test
    void leftoversAreSweptAtMostOnceASecondAndAtOnceWhenTheFirstRunEnds() {
        Housekeeper.Schedule s = new Housekeeper.Schedule(Duration.ofSeconds(2));
        s.tick(T0, false, false);

        assertThat(s.tick(T0 + 100 * MS, true, false).sweep()).as("first ended run").isTrue();
        assertThat(s.tick(T0 + 200 * MS, true, false).sweep()).isFalse();
        assertThat(s.tick(T0 + 1_099 * MS, true, false).sweep()).isFalse();
        assertThat(s.tick(T0 + 1_100 * MS, false, false).sweep()).as("nothing to sweep").isFalse();
        assertThat(s.tick(T0 + 1_200 * MS, true, false).sweep()).isTrue();
    }

    @Test
    void whatLeftAnEmptiedCgroupIsLookedForAtOnceTheFirstTimeThenEveryTenSeconds() {
        Housekeeper.Schedule s = new Housekeeper.Schedule(Duration.ofSeconds(2));
        s.tick(T0, false, false);

        assertThat(s.tick(T0 + 100 * MS, false, true).escapeSweep()).as("first emptied cgroup").isTrue();
        assertThat(s.tick(T0 + 1_100 * MS, true, true)).as("a sweep of ended runs, not of escapees")
                .extracting(Housekeeper.Due::sweep, Housekeeper.Due::escapeSweep).containsExactly(true, false);
        assertThat(s.tick(T0 + 10_099 * MS, false, true).escapeSweep()).isFalse();
        assertThat(s.tick(T0 + 10_100 * MS, false, false).escapeSweep()).as("nothing emptied since").isFalse();
        assertThat(s.tick(T0 + 10_200 * MS, false, true).escapeSweep()).isTrue();
    }
}
