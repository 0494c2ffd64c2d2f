package io.jenkins.plugins.selftest.engine.history;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a shard ended. The closed set every part of the project names a shard's end with: the engine decides it, the
 * history and build files keep it, the plugin derives its messages and build results from it.
 *
 * <p>Persisted by its {@link #label()} ({@code "ok"}, {@code "failed"}, ...), the spelling history files,
 * {@code build.xml} records and {@code shard.json} files have always had; {@link #parse} reads it back.
 */
public enum ShardOutcome {
    /** Every test of the shard ran and passed. */
    OK("ok"),
    /** The shard ran to its end and some of its tests failed. */
    FAILED("failed"),
    /** The shard was stopped at its timeout; its results are partial. */
    TIMEOUT("timeout"),
    /** The shard could not run, crashed, or left no results. */
    ERROR("error"),
    /** The shard was stopped on purpose (an aborted build, Ctrl-C). */
    ABORTED("aborted");

    private final String label;

    ShardOutcome(String label) {
        this.label = label;
    }

    /** The persisted and printed spelling, lower case. */
    @JsonValue
    public String label() {
        return label;
    }

    /** Whether the shard's results are whole: it was not stopped and did not crash. */
    public boolean complete() {
        return this == OK || this == FAILED;
    }

    /**
     * The outcome spelled {@code label} (case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the accepted spellings
     */
    @JsonCreator
    public static ShardOutcome parse(String label) {
        String l = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        for (ShardOutcome o : values()) {
            if (o.label.equals(l)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown shard outcome '" + label + "': use "
                + Arrays.stream(values()).map(ShardOutcome::label).collect(Collectors.joining(", ")));
    }

    /** The label, so that log lines and messages read as they always have. */
    @Override
    public String toString() {
        return label;
    }
}
