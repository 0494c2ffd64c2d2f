package io.jenkins.plugins.selftest.engine.coverage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Merges every JaCoCo exec file into one {@code ExecFileLoader}, analyses the classes once, and converts JaCoCo's
 * bundle into a {@link CoverageSummary}. Exec data that does not match the analysed classes (a class was recompiled
 * after the run) and unreadable exec files become warnings; the rest is kept.
 *
 * <p>Stateless and thread-safe.
 */
public final class CoverageAggregator {

    private CoverageAggregator() {
    }

    /**
     * Aggregates {@code in}; when {@code reportDir} is present, also writes JaCoCo's HTML report to
     * {@code reportDir/jacoco/index.html} and its XML report to {@code reportDir/jacoco.xml}.
     *
     * @throws IOException when a class directory cannot be read or the report cannot be written
     */
    public static CoverageSummary aggregate(CoverageInput in, Optional<Path> reportDir) throws IOException {
        // TODO(4b): implementation
        return CoverageSummary.NO_COVERAGE;
    }
}
