package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunHistory;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.report.HtmlReport;
import io.jenkins.plugins.selftest.engine.report.LogText;
import io.jenkins.plugins.selftest.engine.run.SelfTestRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code selftest report}: the HTML report from the history (and the last run's details when present). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the self-contained HTML report with trend charts from a history file.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written", "2:usage error (no such history file, report dir not writable)"})
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--history", defaultValue = ".selftest/history.jsonl", description = "History file (JSON lines). Default: ${DEFAULT-VALUE}.")
    Path history;

    @Option(names = "--report-dir", defaultValue = ".selftest/report", description = "Where index.html goes; "
            + "its details.json (written by run) adds the last run's shards, failures, coverage and orphans. Default: ${DEFAULT-VALUE}.")
    Path reportDir;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(history)) {
            System.err.println("selftest report: history file " + history.toAbsolutePath() + " does not exist: run 'selftest run' first or pass --history");
            return SelftestCommand.EXIT_USAGE;
        }
        try {
            RunHistory h = RunHistory.load(history);
            h.problems().forEach(p -> System.err.println("note: " + LogText.line(p)));
            List<RunRecord> records = h.records();
            Optional<RunDetails> last = Optional.empty();
            Path details = reportDir.resolve(SelfTestRun.DETAILS_FILE);
            if (!records.isEmpty()) {
                try {
                    String lastId = records.get(records.size() - 1).runId();
                    last = RunDetails.read(details).filter(d -> d.record().runId().equals(lastId));
                } catch (IOException | RuntimeException e) {
                    System.err.println("note: " + details + " is unreadable, the report shows the history only: " + e.getMessage());
                }
            }
            if (last.isEmpty() && !records.isEmpty()) {
                last = Optional.of(new RunDetails(records.get(records.size() - 1), null, null, null));
            }
            Path page = HtmlReport.write(records, last, reportDir);
            System.out.println("selftest report: " + records.size() + " run(s); HTML report: " + page.toAbsolutePath());
            return 0;
        } catch (IOException e) {
            System.err.println("selftest report: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
    }
}
