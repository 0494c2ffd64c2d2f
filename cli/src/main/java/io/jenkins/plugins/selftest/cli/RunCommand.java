package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.metrics.SelfTestMetrics;
import io.jenkins.plugins.selftest.engine.report.HtmlReport;
import io.jenkins.plugins.selftest.engine.report.LogText;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.run.SelfTestRun;
import io.jenkins.plugins.selftest.engine.run.SetupException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code selftest run}: one sharded run; exit 0 all passed, 1 test failures, 2 usage or setup error. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the test suite in shards, in containers or local processes, then write the report.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every test passed", "1:test failures (or a shard failed or timed out)",
            "2:usage or setup error (missing runtime, bad image, bad path)"})
final class RunCommand implements Callable<Integer> {

    static final int EXIT_FAILED = 1;

    @Mixin
    RunOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        SelfTestOptions options;
        try {
            options = run.toOptions(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("selftest run: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
        SelfTestMetrics metrics = new SelfTestMetrics();
        try (AutoCloseable server = run.serveMetrics(metrics)) {
            return runOnce(options, metrics, out, System.err);
        } catch (Exception e) {
            System.err.println("selftest run: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
    }

    /** One run with its printing; the exit code. Shared with run-scheduled. */
    static int runOnce(SelfTestOptions options, SelfTestMetrics metrics, PrintStream out, PrintStream err) {
        SelfTestRun run = new SelfTestRun(options);
        RunSummary summary;
        try (ProgressListener progress = new ProgressListener(err, System.console() != null,
                options.framework().testUnits())) {
            summary = run.run(progress);
        } catch (SetupException e) {
            err.println("selftest run: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        } catch (IOException e) {
            err.println("selftest run: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
        metrics.update(summary.toRecord());
        print(summary, out);
        return summary.allPassed() ? 0 : EXIT_FAILED;
    }

    /** Failures listed one by one; the rest are counted (the HTML report lists them all). */
    static final int MAX_PRINTED_FAILURES = 10;

    /** Prints the summary; text from the build goes through {@link LogText} (no control sequence reaches a terminal). */
    static void print(RunSummary s, PrintStream out) {
        var t = s.tests();
        out.printf(Locale.ROOT, "selftest: %d tests, %d passed, %d failed, %d errors, %d skipped%s in %.1fs (%d shard(s) as %s)%n",
                t.total(), t.passed(), t.failed(), t.errors(), t.skipped(), t.flaky() > 0 ? ", " + t.flaky() + " flaky" : "",
                s.runtimeSeconds(), s.shards().size(), s.mode());
        List<TestCaseResult> failures = t.failures();
        failures.stream().limit(MAX_PRINTED_FAILURES).forEach(f -> out.println("  FAILED "
                + LogText.line(f.fullName() + f.message().map(m -> ": " + firstLine(m)).orElse(""))));
        if (failures.size() > MAX_PRINTED_FAILURES) {
            out.printf(Locale.ROOT, "  ... and %,d more (all in the HTML report)%n", failures.size() - MAX_PRINTED_FAILURES);
        }
        if (!s.coverage().isEmpty()) {
            // Python coverage (coverage.py) has no instructions: no "instruction n/a" beside its lines and branches
            out.println("coverage: line " + percent(s.coverage().line()) + ", branch " + percent(s.coverage().branch())
                    + (s.coverage().instruction().total() > 0 || !s.coverage().language().equals("python")
                    ? ", instruction " + percent(s.coverage().instruction()) : ""));
        }
        if (s.orphans().total() > 0) {
            out.printf(Locale.ROOT, "%s: %d (%d covered indirectly, %d not covered)%n",
                    s.orphans().isPython() ? "orphan modules" : "orphans", s.orphans().total(),
                    s.orphans().covered(), s.orphans().uncovered());
        }
        if (s.containerFailures() + s.containerTimeouts() > 0) {
            out.printf(Locale.ROOT, "containers: %d failure(s), %d timeout(s)%n", s.containerFailures(), s.containerTimeouts());
        }
        s.problems().forEach(p -> out.println("problem: " + LogText.line(p)));
        out.println("HTML report: " + Path.of(s.reportDir()).resolve(HtmlReport.FILE_NAME));
    }

    /** "81.2%", or "n/a" when there was nothing to count (code without branches is not 0 % branch-covered). */
    static String percent(io.jenkins.plugins.selftest.engine.coverage.Counter c) {
        return c.total() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * c.ratio());
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
