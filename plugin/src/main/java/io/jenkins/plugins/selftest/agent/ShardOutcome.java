package io.jenkins.plugins.selftest.agent;

import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import java.util.List;
import java.util.Optional;

/**
 * One shard run on its own ({@code selfTest(shard: n)}), as kept with the build next to its reports
 * ({@value #FILE_NAME} in the shard's directory) until {@code selfTestPublish} merges the shards. Holds what the
 * JUnit XML and exec files beside it do not: outcome, exit, runtime, container counts, problems. Immutable.
 *
 * @param setupError the shard could not start at all (no runtime, bad image, the project does not compile)
 */
public record ShardOutcome(int index, int shardCount, List<String> tests, String outcome, Optional<Integer> exitCode,
                           double runtimeSeconds, int total, int passed, int failed, int skipped,
                           int containerFailures, int containerTimeouts, List<String> problems,
                           Optional<String> setupError, String mode) {

    /** The file beside the shard's {@code reports/} and {@code shard.log}. */
    public static final String FILE_NAME = "shard.json";

    public ShardOutcome {
        tests = tests == null ? List.of() : List.copyOf(tests);
        problems = problems == null ? List.of() : List.copyOf(problems);
        exitCode = exitCode == null ? Optional.empty() : exitCode;
        setupError = setupError == null ? Optional.empty() : setupError;
    }

    static ShardOutcome of(ShardResult r, int shardCount, String mode) {
        return new ShardOutcome(r.index(), shardCount, r.tests(), r.outcome(), r.exitCode(), r.runtimeSeconds(),
                r.results().total(), r.results().passed(), r.results().failed() + r.results().errors(),
                r.results().skipped(), r.containerFailures(), r.containerTimeouts(), r.problems(), Optional.empty(), mode);
    }

    static ShardOutcome setupError(int index, int shardCount, List<String> tests, String message) {
        return new ShardOutcome(index, shardCount, tests, ShardRecord.ERROR, Optional.empty(), 0, 0, 0, 0, 0, 0, 0,
                List.of(message), Optional.of(message), "");
    }
}
