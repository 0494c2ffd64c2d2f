package io.jenkins.plugins.selftest.engine.history;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything about one run that a report shows beyond its {@link RunRecord}: tests, coverage and orphans.
 * Persisted as one JSON file ({@link #FILE_NAME} in the report directory, next to the HTML report) so that a later {@code selftest report}
 * can show the last run's failures again.
 */
public record RunDetails(RunRecord record, TestSuiteResult tests, CoverageSummary coverage, OrphanReport orphans) {

    /** The conventional file name inside a report directory. */
    public static final String FILE_NAME = "details.json";

    public RunDetails {
        Objects.requireNonNull(record, "record");
        tests = Objects.requireNonNullElse(tests, TestSuiteResult.EMPTY);
        coverage = Objects.requireNonNullElse(coverage, CoverageSummary.NO_COVERAGE);
        orphans = Objects.requireNonNullElse(orphans, OrphanReport.NONE);
    }

    /** Writes these details to {@code file} atomically. */
    public void write(Path file) throws IOException {
        Json.writeAtomically(file, this);
    }

    /** Reads details written by {@link #write(Path)}; empty when the file does not exist. */
    public static Optional<RunDetails> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.read(file, RunDetails.class));
    }
}
