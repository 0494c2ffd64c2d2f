package io.jenkins.plugins.selftest.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;

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
                .contains("4.0 s each"));
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
}
