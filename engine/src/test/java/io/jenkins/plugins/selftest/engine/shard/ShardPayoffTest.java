package io.jenkins.plugins.selftest.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardPayoffTest {

    @Test
    void aShortSuiteRunsAsOneShardWhenAnotherStartCostsMoreThanItSaves() {
        // the library: 7 s of tests, a Maven shard starts in about 4 s
        ShardPayoff.Decision d = ShardPayoff.decide(7, Optional.of(4.0), 2, 2);
        assertThat(d.shards()).isEqualTo(1);
        assertThat(d.workers()).isEqualTo(1);
        assertThat(d.note()).hasValueSatisfying(n -> assertThat(n)
                .startsWith("planned 1 local shard(s) with 1 worker(s) instead of 2 with 2: 7.0 s of tests")
                .contains("expected to take 11.0 s that way, 11.5 s as asked (a start costs 4.0 s;"));
        // one shard with two workers: the second test JVM does not pay either
        assertThat(ShardPayoff.decide(7, Optional.of(4.0), 1, 2).workers()).isEqualTo(1);
    }

    @Test
    void aLongSuiteKeepsWhatWasAskedAndNeverGetsMore() {
        assertThat(ShardPayoff.decide(70, Optional.of(4.0), 2, 2)).isEqualTo(new ShardPayoff.Decision(2, 2, Optional.empty()));
        assertThat(ShardPayoff.decide(70, Optional.of(4.0), 2, 8).shards()).isEqualTo(2);
        // 70 / (3*4) = 5.8 >= 4 pays for a fourth unit, 70 / (4*5) = 3.5 < 4 not for a fifth
        assertThat(ShardPayoff.decide(70, Optional.of(4.0), 2, 8).workers()).isEqualTo(4);
        assertThat(ShardPayoff.decide(70, Optional.of(4.0), 8, 8).shards()).isEqualTo(4);
    }

    @Test
    void withoutEarlierFiguresTheRequestStands() {
        assertThat(ShardPayoff.decide(7, Optional.empty(), 4, 4)).isEqualTo(new ShardPayoff.Decision(4, 4, Optional.empty()));
        assertThat(ShardPayoff.decide(0, Optional.of(4.0), 4, 4).shards()).isEqualTo(4);
        assertThat(ShardPayoff.decide(7, Optional.of(0.0), 4, 4).shards()).isEqualTo(4);
    }

    @Test
    void theBreakEvenIsTwoFixedCostsForASecondShard() {
        assertThat(ShardPayoff.decide(8, Optional.of(4.0), 2, 2).shards()).isEqualTo(2);
        assertThat(ShardPayoff.decide(7.9, Optional.of(4.0), 2, 2).shards()).isEqualTo(1);
    }

    /**
     * A suite of 12 s on a machine where two shards side by side (measured by earlier runs) start in 7.4 s instead of
     * 4.6 s and run their tests 1.6 times slower: two shards would take 17.0 s, one 16.6 s, so one is planned, though
     * the model without measurements (12 / 2 >= 4.6) would plan two. On a suite of 54 s the same measurements keep two.
     */
    @Test
    void whatEarlierRunsWithThatManyShardsMeasuredDecides() {
        Map<Integer, TimingHistory.Measured> measured = Map.of(1, new TimingHistory.Measured(4.6, 1.0),
                2, new TimingHistory.Measured(7.4, 1.6));
        assertThat(ShardPayoff.decide(12, Optional.of(5.0), Map.of(), 2, 2).shards()).isEqualTo(2);
        ShardPayoff.Decision d = ShardPayoff.decide(12, Optional.of(5.0), measured, 2, 2);
        assertThat(d.shards()).isEqualTo(1);
        assertThat(d.note()).hasValueSatisfying(n -> assertThat(n)
                .contains("12.0 s of tests (from earlier runs) are expected to take 16.6 s that way, 17.0 s as asked")
                .contains("earlier runs with 2 workers: a start beside the others took 7.4 s, their tests 1.60x their usual time"));
        assertThat(ShardPayoff.decide(54, Optional.of(5.0), measured, 2, 2).shards()).isEqualTo(2);
        // a shard count nobody measured is expected as before, against the measured ones
        assertThat(ShardPayoff.decide(12, Optional.of(4.6), Map.of(2, new TimingHistory.Measured(7.4, 1.6)), 3, 3).shards())
                .isEqualTo(1);
    }
}
