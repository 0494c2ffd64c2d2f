package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.coverage.CoverageAggregator;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunHistory;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.orphans.OrphanScanner;
import io.jenkins.plugins.selftest.engine.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The last stage: appends the run to the history, writes {@value SelfTestRun#SUMMARY_FILE},
 * {@value SelfTestRun#DETAILS_FILE} and the HTML report into the report directory, and names the files worth keeping
 * (the artifacts a Jenkins build archives).
 */
final class ReportWriter {

    private final SelfTestOptions options;

    ReportWriter(SelfTestOptions options) {
        this.options = options;
    }

    /**
     * Writes the report of {@code summary} and returns it with the problems met on the way and its artifacts. A
     * history that cannot be appended to or an HTML report that cannot be written is a problem; the summary and
     * details files must be written.
     *
     * @throws IOException when the summary or details file cannot be written
     */
    RunSummary write(RunSummary summary, RunListener listener) throws IOException {
        List<String> problems = new ArrayList<>();
        RunDetails details = summary.toDetails();
        RunRecord record = details.record();
        List<RunRecord> history = List.of(record);
        if (options.history().isPresent()) {
            try {
                RunHistory h = RunHistory.load(options.history().get());
                h.append(record);
                history = h.records();
                h.problems().forEach(listener::note);
            } catch (IOException e) {
                problems.add("cannot append to history " + options.history().get() + ": " + e.getMessage());
            }
        }
        Path dir = options.reportDir();
        Json.writeAtomically(dir.resolve(SelfTestRun.SUMMARY_FILE), record);
        details.write(dir.resolve(SelfTestRun.DETAILS_FILE));
        try {
            HtmlReport.write(history, Optional.of(details), dir);
        } catch (IOException | RuntimeException e) {
            problems.add("cannot write the HTML report into " + dir + ": " + e.getMessage());
        }
        return summary.withProblems(problems).withArtifacts(artifacts(summary));
    }

    /**
     * The reports worth keeping, relative to the report directory: JaCoCo's (or the Python coverage report), the
     * orphans', the run's, the logs.
     */
    private List<String> artifacts(RunSummary summary) {
        Path dir = options.reportDir();
        List<String> artifacts = new ArrayList<>();
        if (options.coverage()) {
            artifacts.addAll(filesUnder(dir, CoverageAggregator.HTML_DIR));
            artifacts.addAll(filesUnder(dir, PythonCoverage.HTML_DIR));
        }
        for (String f : List.of(OrphanScanner.JSON_FILE, OrphanScanner.HTML_FILE, HtmlReport.FILE_NAME, Preparation.LOG)) {
            if (Files.isRegularFile(dir.resolve(f))) {
                artifacts.add(f);
            }
        }
        for (ShardResult s : summary.shards()) {
            Path log = ShardDirectory.of(dir, s.index()).log();
            if (Files.isRegularFile(log)) {
                artifacts.add(dir.relativize(log).toString());
            }
        }
        return artifacts;
    }

    private static List<String> filesUnder(Path root, String sub) {
        Path start = root.resolve(sub);
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(start)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
