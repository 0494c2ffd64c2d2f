package io.jenkins.plugins.selftest.engine.coverage;

/** Covered and missed items of one kind (instructions, lines, branches, methods or classes). Immutable. */
public record Counter(long covered, long missed) {

    /** Nothing counted. */
    public static final Counter EMPTY = new Counter(0, 0);

    public Counter {
        if (covered < 0 || missed < 0) {
            throw new IllegalArgumentException("coverage counts must not be negative: covered=" + covered + ", missed=" + missed);
        }
    }

    public long total() {
        return covered + missed;
    }

    /** covered / total, 0 when nothing was counted. */
    public double ratio() {
        long total = total();
        return total == 0 ? 0.0 : (double) covered / total;
    }

    public Counter plus(Counter other) {
        return new Counter(covered + other.covered, missed + other.missed);
    }
}
