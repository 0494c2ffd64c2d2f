package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Duration;
import java.util.Objects;

/**
 * Delay before a restart: {@code initial * factor^(n-1)} for the n-th consecutive failure, at most {@code max}; the
 * count starts over once a run stayed up for {@code resetAfter}. Defaults follow Docker: 100 ms doubling to 30 s,
 * reset after 10 s of uptime.
 *
 * @param initial    delay before the first restart
 * @param factor     growth per consecutive failure, at least 1
 * @param max        cap of the delay
 * @param resetAfter uptime after which a run counts as stable and the next failure is the "first" again
 */
public record Backoff(Duration initial, double factor, Duration max, Duration resetAfter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(30), Duration.ofSeconds(10));

    /** Restart at once, every time (benchmarks, tests). */
    public static final Backoff NONE = new Backoff(Duration.ZERO, 1.0, Duration.ZERO, Duration.ofSeconds(10));

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(resetAfter, "resetAfter");
        if (initial.isNegative() || max.isNegative() || resetAfter.isNegative()) {
            throw new IllegalArgumentException("backoff durations must not be negative");
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("backoff factor " + factor + " must be a number of at least 1");
        }
    }

    /** Delay before restart number {@code consecutiveFailures} (1 for the first). */
    public Duration delay(int consecutiveFailures) {
        if (consecutiveFailures <= 0 || initial.isZero()) {
            return Duration.ZERO;
        }
        double nanos = initial.toNanos() * Math.pow(factor, consecutiveFailures - 1.0);
        if (nanos >= max.toNanos() || Double.isInfinite(nanos)) {
            return max.compareTo(initial) < 0 ? initial : max;
        }
        return Duration.ofNanos((long) nanos);
    }
}
