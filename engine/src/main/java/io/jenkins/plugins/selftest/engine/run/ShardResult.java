package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one shard did. Immutable; everything a separate {@link SelfTestRun#gather} needs to merge shards that ran on
 * different agents (the reports directory holds its JUnit XML and JaCoCo exec files).
 *
 * @param outcome           {@link ShardRecord#OK}, {@code FAILED} (tests failed), {@code TIMEOUT} or {@code ERROR}
 *                          (could not run, crashed, or left no results)
 * @param exitCode          the command's exit code, empty when it was killed or never started
 * @param reportsDir        the shard's {@code SELFTEST_REPORTS_DIR} on this machine
 * @param log               the shard's combined output
 * @param containerFailures failed container removals or listings during this shard
 * @param containerTimeouts 1 when its container was killed at the timeout
 * @param problems          one line each: what went wrong and where to look
 */
public record ShardResult(int index, List<String> tests, String outcome, Optional<Integer> exitCode,
                          double runtimeSeconds, TestSuiteResult results, Path reportsDir, Path log,
                          List<Path> execFiles, int containerFailures, int containerTimeouts, List<String> problems) {

    public ShardResult {
        tests = List.copyOf(tests);
        execFiles = List.copyOf(execFiles);
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return ShardRecord.OK.equals(outcome);
    }

    /** Whether its results are whole (it was not killed and did not crash). */
    public boolean complete() {
        return ShardRecord.OK.equals(outcome) || ShardRecord.FAILED.equals(outcome);
    }

    public ShardRecord toRecord() {
        return new ShardRecord(index, results.total(), results.passed(), results.failed() + results.errors(),
                results.skipped(), runtimeSeconds, outcome);
    }
}
