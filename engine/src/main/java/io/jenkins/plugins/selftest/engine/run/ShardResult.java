package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.json.JsonForm;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one shard did: the one result of a shard, whether it ran in this process, was handed over the remoting
 * channel by a {@code selfTest(shard: n)} on an agent, or was kept as {@value #FILE_NAME} beside its reports until
 * {@code selfTestPublish} merges the shards ({@link ShardCollection}). Its tests' details are not in it: they are in
 * the JUnit XML of its reports directory ({@link ShardReports}), which is read where the shards are merged.
 *
 * <p>Immutable. Its JSON is the {@value #FILE_NAME} format of earlier versions (the same field names, the outcome
 * in lower case), so files written by them still read; Java serialization writes that JSON ({@link JsonForm}).
 *
 * @param shardCount        how many shards the plan has
 * @param tests             the shard's test ids as planned
 * @param exitCode          the command's exit code, empty when it was killed or never started
 * @param total             tests that ran (passed, failed and errored, skipped)
 * @param failed            failed and errored tests
 * @param containerFailures failed container removals or listings during this shard
 * @param containerTimeouts 1 when its container was killed at the timeout
 * @param problems          one line each: what went wrong and where to look
 * @param setupError        the shard could not start at all (no runtime, bad image, the project does not compile)
 * @param mode              how it ran, for people ({@code local processes}, {@code podman containers (...)})
 * @param fixedSeconds      for a whole local shard: its wall time less its tests' time per worker, i.e. what its
 *                          build tool's start and end cost ({@link io.jenkins.plugins.selftest.engine.shard.ShardPayoff})
 * @param workers           the test processes it was planned to run its tests in; 0 where that is not known (results
 *                          of earlier versions, shards that never ran)
 */
public record ShardResult(int index, int shardCount, List<String> tests, ShardOutcome outcome,
                          Optional<Integer> exitCode, double runtimeSeconds, int total, int passed, int failed,
                          int skipped, int containerFailures, int containerTimeouts, List<String> problems,
                          Optional<String> setupError, String mode, Optional<Double> fixedSeconds, int workers)
        implements Serializable {

    /** The file beside a shard's {@code reports/} and {@code shard.log}. */
    public static final String FILE_NAME = "shard.json";

    @Serial
    private static final long serialVersionUID = 1L;

    public ShardResult {
        Objects.requireNonNull(outcome, "outcome");
        tests = tests == null ? List.of() : List.copyOf(tests);
        exitCode = exitCode == null ? Optional.empty() : exitCode;
        problems = problems == null ? List.of() : List.copyOf(problems);
        setupError = setupError == null ? Optional.empty() : setupError;
        mode = mode == null ? "" : mode;
        fixedSeconds = fixedSeconds == null ? Optional.empty() : fixedSeconds;
    }

    /** A result without a fixed-cost figure (container shards, results of earlier versions). */
    public ShardResult(int index, int shardCount, List<String> tests, ShardOutcome outcome, Optional<Integer> exitCode,
                       double runtimeSeconds, int total, int passed, int failed, int skipped, int containerFailures,
                       int containerTimeouts, List<String> problems, Optional<String> setupError, String mode) {
        this(index, shardCount, tests, outcome, exitCode, runtimeSeconds, total, passed, failed, skipped,
                containerFailures, containerTimeouts, problems, setupError, mode, Optional.empty(), 0);
    }

    /** A shard that could not start: outcome {@link ShardOutcome#ERROR}, the message as its only problem. */
    public static ShardResult setupError(int index, int shardCount, List<String> tests, String message) {
        return new ShardResult(index, shardCount, tests, ShardOutcome.ERROR, Optional.empty(), 0, 0, 0, 0, 0, 0, 0,
                List.of(message), Optional.of(message), "");
    }

    /** A planned shard of which nothing is known: outcome {@link ShardOutcome#ERROR}, no figures, no problems. */
    static ShardResult missing(int index, int shardCount, List<String> tests) {
        return new ShardResult(index, shardCount, tests, ShardOutcome.ERROR, Optional.empty(), 0, 0, 0, 0, 0, 0, 0,
                List.of(), Optional.empty(), "");
    }

    /** This result with its test counts taken from {@code results} (its reports, parsed where they are merged). */
    ShardResult withCounts(TestSuiteResult results) {
        return new ShardResult(index, shardCount, tests, outcome, exitCode, runtimeSeconds, results.total(),
                results.passed(), results.failed() + results.errors(), results.skipped(), containerFailures,
                containerTimeouts, problems, setupError, mode, fixedSeconds, workers);
    }

    public boolean ok() {
        return outcome == ShardOutcome.OK;
    }

    /** Whether its results are whole (it was not killed and did not crash). */
    public boolean complete() {
        return outcome.complete();
    }

    /** Its line in the run's {@link ShardRecord history record}. */
    public ShardRecord toRecord() {
        return new ShardRecord(index, total, passed, failed, skipped, runtimeSeconds, outcome, fixedSeconds, workers);
    }

    @Serial
    private Object writeReplace() {
        return JsonForm.of(this);
    }
}
