package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.coverage.Counter;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.json.JsonForm;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one result of a whole run (or of shards run separately and merged): what the CLI prints and what a
 * {@code selfTest} on an agent answers the controller. A run that could not start is one too, with a
 * {@link #setupError} and no details, so that the step decides on the controller whether that fails the build.
 *
 * <p>Its {@link #details} are what is persisted with a build and in the report directory ({@link RunDetails}, with
 * the {@link RunRecord} history line in it); the rest is about this run only: how its shards ran, where its reports
 * are and which of them to archive. Immutable; Java serialization writes its JSON ({@link JsonForm}).
 *
 * @param details    tests, coverage, orphans and the history line; empty when the run could not start
 * @param setupError the one-line reason it could not start (no runtime, bad image, no tests, build failure)
 * @param mode       how the shards ran, for people ({@code local processes}, {@code podman containers (...)})
 * @param problems   what went wrong around the tests (a shard that could not start, unreadable reports, a failed
 *                   container removal), one line each
 * @param reportDir  where the HTML report, JaCoCo report, orphan report and shard logs are, on the machine that ran
 * @param artifacts  the files worth keeping, relative to {@code reportDir}
 * @param shards     each shard's result, by index
 */
public record RunSummary(Optional<RunDetails> details, Optional<String> setupError, String mode, List<String> problems,
                         String reportDir, List<String> artifacts, List<ShardResult> shards) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    public RunSummary {
        details = details == null ? Optional.empty() : details;
        setupError = setupError == null ? Optional.empty() : setupError;
        mode = mode == null ? "" : mode;
        problems = problems == null ? List.of() : List.copyOf(problems);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        shards = shards == null ? List.of() : List.copyOf(shards);
    }

    /**
     * The summary of a run that ran: its history line is made here from the shards and the merged figures.
     *
     * @param shards sorted by index
     */
    public static RunSummary of(String runId, Instant startedAt, double runtimeSeconds, String mode,
                                List<ShardResult> shards, TestSuiteResult tests, CoverageSummary coverage,
                                OrphanReport orphans, int containerFailures, int containerTimeouts, String reportDir,
                                List<String> problems) {
        RunRecord record = RunRecord.builder(runId, startedAt)
                .runtimeSeconds(runtimeSeconds)
                .complete(shards.stream().allMatch(ShardResult::complete))
                .tests(tests.total(), tests.passed(), tests.failed(), tests.errors(), tests.skipped())
                .coverage(ratio(coverage.line()), ratio(coverage.instruction()), ratio(coverage.branch()))
                .shards(shards.stream().map(ShardResult::toRecord).toList())
                .orphans(orphans.total(), orphans.covered(), orphans.uncovered())
                .containers(containerFailures, containerTimeouts)
                .classDurations(tests.classDurations())
                .build();
        return new RunSummary(Optional.of(new RunDetails(record, tests, coverage, orphans)), Optional.empty(), mode,
                problems, reportDir, List.of(), shards);
    }

    /** A run that could not start, for the reason {@code message}. */
    public static RunSummary setupError(String message, String reportDir) {
        return new RunSummary(Optional.empty(), Optional.of(message), "", List.of(), reportDir, List.of(), List.of());
    }

    /** This summary with {@code more} problems after its own. */
    RunSummary withProblems(List<String> more) {
        List<String> all = new java.util.ArrayList<>(problems);
        all.addAll(more);
        return new RunSummary(details, setupError, mode, all, reportDir, artifacts, shards);
    }

    /** This summary naming {@code files} (relative to the report directory) to keep. */
    RunSummary withArtifacts(List<String> files) {
        return new RunSummary(details, setupError, mode, problems, reportDir, files, shards);
    }

    /**
     * The details of a run that ran.
     *
     * @throws IllegalStateException for a run that could not start
     */
    public RunDetails toDetails() {
        return details.orElseThrow(() -> new IllegalStateException("the run could not start: "
                + setupError.orElse("no details")));
    }

    /** The history line of this run ({@link #toDetails()}). */
    public RunRecord toRecord() {
        return toDetails().record();
    }

    public String runId() {
        return toRecord().runId();
    }

    public double runtimeSeconds() {
        return toRecord().runtimeSeconds();
    }

    public TestSuiteResult tests() {
        return toDetails().tests();
    }

    public CoverageSummary coverage() {
        return toDetails().coverage();
    }

    public OrphanReport orphans() {
        return toDetails().orphans();
    }

    public int containerFailures() {
        return toRecord().containerFailures();
    }

    public int containerTimeouts() {
        return toRecord().containerTimeouts();
    }

    /** Each shard's outcome, by index. */
    public List<ShardOutcome> outcomes() {
        return shards.stream().map(ShardResult::outcome).toList();
    }

    /** Every shard ran to its end (none timed out or errored). */
    public boolean complete() {
        return details.isPresent() && toRecord().complete();
    }

    /** Every shard ran, at least one test ran, and no test failed. */
    public boolean allPassed() {
        return complete() && tests().total() > 0 && tests().failed() == 0 && tests().errors() == 0;
    }

    private static Optional<Double> ratio(Counter c) {
        return c.total() == 0 ? Optional.empty() : Optional.of(c.ratio());
    }

    @Serial
    private Object writeReplace() {
        return JsonForm.of(this);
    }
}
