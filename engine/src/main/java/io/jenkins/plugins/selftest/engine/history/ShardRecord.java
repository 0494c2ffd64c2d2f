package io.jenkins.plugins.selftest.engine.history;

import java.util.Objects;

/**
 * One shard's figures in a {@link RunRecord}.
 *
 * @param outcome {@code ok}, {@code failed} (tests failed), {@code timeout}, {@code error} (could not run) or
 *                {@code aborted} (stopped by the user: an aborted build, Ctrl-C)
 */
public record ShardRecord(int index, int tests, int passed, int failed, int skipped, double runtimeSeconds,
                          String outcome) {

    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String TIMEOUT = "timeout";
    public static final String ERROR = "error";
    public static final String ABORTED = "aborted";

    public ShardRecord {
        Objects.requireNonNull(outcome, "outcome");
    }
}
