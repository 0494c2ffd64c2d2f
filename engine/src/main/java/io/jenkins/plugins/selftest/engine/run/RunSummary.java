package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of a whole run (or of shards run separately and merged): shards, merged tests, coverage, orphans,
 * container counts. Immutable.
 *
 * @param mode              {@code local} or {@code container (podman, local engine)} and the like, for people
 * @param reportDir         where the HTML report, JaCoCo report, orphan report and shard logs are
 * @param problems          what went wrong around the tests (a shard that could not start, unreadable reports, a
 *                          failed container removal), one line each
 */
public record RunSummary(String runId, Instant startedAt, double runtimeSeconds, String mode, List<ShardResult> shards,
                         TestSuiteResult tests, CoverageSummary coverage, OrphanReport orphans,
                         int containerFailures, int containerTimeouts, Path reportDir, List<String> problems) {

    public RunSummary {
        shards = List.copyOf(shards);
        problems = List.copyOf(problems);
    }

    /** Every shard ran to its end (none timed out or errored). */
    public boolean complete() {
        return shards.stream().allMatch(ShardResult::complete);
    }

    /** Every shard ran, at least one test ran, and no test failed. */
    public boolean allPassed() {
        return complete() && tests.total() > 0 && tests.failed() == 0 && tests.errors() == 0;
    }

    /** The history line of this run. */
    public RunRecord toRecord() {
        return RunRecord.builder(runId, startedAt)
                .runtimeSeconds(runtimeSeconds)
                .complete(complete())
                .tests(tests.total(), tests.passed(), tests.failed(), tests.errors(), tests.skipped())
                .coverage(ratio(coverage.line()), ratio(coverage.instruction()), ratio(coverage.branch()))
                .shards(shards.stream().map(ShardResult::toRecord).toList())
                .orphans(orphans.total(), orphans.covered(), orphans.uncovered())
                .containers(containerFailures, containerTimeouts)
                .classDurations(tests.classDurations())
                .build();
    }

    /** Everything the report pages show about this run. */
    public RunDetails toDetails() {
        return new RunDetails(toRecord(), tests, coverage, orphans);
    }

    private static Optional<Double> ratio(io.jenkins.plugins.selftest.engine.coverage.Counter c) {
        return c.total() == 0 ? Optional.empty() : Optional.of(c.ratio());
    }
}
