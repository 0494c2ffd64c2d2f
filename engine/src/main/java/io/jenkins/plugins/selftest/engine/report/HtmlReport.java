package io.jenkins.plugins.selftest.engine.report;

import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writes the self-contained self-test report page ({@code index.html}): trend charts, the last run's shards,
 * failures, coverage by package and orphans. ECharts and the renderers are inlined; the page needs no network.
 */
public final class HtmlReport {

    /** The page's file name inside the report directory. */
    public static final String FILE_NAME = "index.html";

    private HtmlReport() {
    }

    /** Writes the page into {@code reportDir} (created if needed) and returns its path. */
    public static Path write(List<RunRecord> history, Optional<RunDetails> last, Path reportDir) throws IOException {
        // TODO(4b): implementation
        return reportDir.resolve(FILE_NAME);
    }
}
