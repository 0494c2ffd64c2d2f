package io.jenkins.plugins.selftest.engine.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    @Test
    void writesWhatToStringWritesForEveryKindOfFraction() {
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(253_402_300_800L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nano);
            assertThat(IsoInstant.format(t)).as("%s seconds and %s nanos", seconds, nano).isEqualTo(t.toString());
        }
    }

    @Test
    void writesWhatToStringWritesAtTheEdges() {
        for (Instant t : new Instant[] {Instant.EPOCH, Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(59, 999_999_999),
                Instant.parse("2024-02-29T23:59:59.100Z"), Instant.parse("2000-03-01T00:00:00.000010Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.ofEpochSecond(-1), Instant.ofEpochSecond(-1, 999_000_000), Instant.MIN, Instant.MAX, Instant.now()}) {
            assertThat(IsoInstant.format(t)).isEqualTo(t.toString());
        }
    }
}
