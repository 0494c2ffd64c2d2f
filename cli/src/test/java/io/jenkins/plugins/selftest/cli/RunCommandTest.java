package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.coverage.Counter;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunCommandTest {

    /** Regression (issue #8, 10c): code without branches was reported as "branch 0.0%". */
    @Test
    void coverageOfNothingToCountIsNotApplicable() {
        assertThat(RunCommand.percent(new Counter(0, 0))).isEqualTo("n/a");
        assertThat(RunCommand.percent(new Counter(812, 188))).isEqualTo("81.2%");
        assertThat(RunCommand.percent(new Counter(0, 5))).isEqualTo("0.0%");
    }

    /** Issue #10, item 12: every input is bounded; 100,000 shards would be 100,000 containers or process trees. */
    @Test
    void tooManyShardsOrWorkersIsAOneLineUsageError() {
        Cli.Result shards = Cli.run("run", ".", "--shards", "100000");
        assertThat(shards.exit()).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(shards.err().strip()).isEqualTo("selftest run: shards must be at most 256, was 100000");

        Cli.Result workers = Cli.run("run", ".", "--shards", "2", "--workers", "5000");
        assertThat(workers.exit()).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(workers.err().strip()).isEqualTo("selftest run: workers must be at most 1024, was 5000");
    }

    /** Issue #11, item 3: arguments that would break sharding are refused in one line naming the option and the fix. */
    @Test
    void buildArgumentsThatBreakShardingAreAOneLineUsageError() {
        Cli.Result test = Cli.run("run", ".", "--args", "-Pci -Dtest=FooTest");
        assertThat(test.exit()).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(test.err().strip()).isEqualTo("selftest run: --args '-Dtest=FooTest' chooses the tests: selftest gives "
                + "each shard its own; use tests/excludes (--include/--exclude) instead");

        Cli.Result pytest = Cli.run("run-scheduled", ".", "--framework", "pytest", "--args", "-n 4", "--interval", "1h");
        assertThat(pytest.exit()).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(pytest.err().strip()).doesNotContain("\n").contains("--args '-n' sets the pytest workers: give workers instead");

        Cli.Result quote = Cli.run("run", ".", "--args", "-Dname='unclosed");
        assertThat(quote.err().strip()).doesNotContain("\n").startsWith("selftest run: --args '-Dname='unclosed' has an unclosed '");
    }

    @Test
    void buildArgumentsComeFromTheOptionElseFromSelftestArgs() {
        RunCommand command = new RunCommand();
        picocli.CommandLine cl = new picocli.CommandLine(command);
        cl.parseArgs(".", "--args", "-Pci \"-Dgreeting=hello world\"");
        assertThat(command.run.toOptions(java.util.Map.of("SELFTEST_ARGS", "-Pnightly")).args())
                .containsExactly("-Pci", "-Dgreeting=hello world");

        RunCommand fromEnv = new RunCommand();
        new picocli.CommandLine(fromEnv).parseArgs(".");
        assertThat(fromEnv.run.toOptions(java.util.Map.of("SELFTEST_ARGS", "-Pnightly -DskipITs")).args())
                .containsExactly("-Pnightly", "-DskipITs");
        assertThat(fromEnv.run.toOptions(java.util.Map.of()).args()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fromEnv.run.toOptions(java.util.Map.of("SELFTEST_ARGS", "-pl core")))
                .hasMessage("SELFTEST_ARGS '-pl' chooses the modules: selftest runs each shard in the modules that hold "
                        + "its tests; leave it out (or give --args)");

        RunCommand empty = new RunCommand();
        new picocli.CommandLine(empty).parseArgs(".", "--args", "");
        assertThat(empty.run.toOptions(java.util.Map.of("SELFTEST_ARGS", "-pl core")).args())
                .as("an empty --args wins over the variable").isEmpty();
    }

    @Test
    void aMetricsAddressThatCannotBeBoundStopsRunScheduledBeforeTheFirstCycleWithOneLine() {
        Cli.Result r = Cli.run("run-scheduled", "--interval", "1h", "--max-cycles", "1", "--metrics-port", "0",
                "--metrics-bind", "no-such-host.invalid");

        assertThat(r.exit()).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("selftest run-scheduled: cannot serve metrics on "
                + "no-such-host.invalid: unknown address - give an address of this machine with --metrics-bind");
    }

    /** Issue #10, item 12: 208,000 failures were all printed, and ESC sequences in their names reached the terminal. */
    @Test
    void printsTheFirstFailuresOnlyAndNoControlCharacterFromTheBuild() {
        int n = 20_000;
        List<TestCaseResult> cases = IntStream.range(0, n).mapToObj(i -> new TestCaseResult("pkg.C" + (i % 100),
                "test\u001b[2J\u001b]0;owned\u0007\r" + i, 0.001, TestStatus.FAILED, false,
                Optional.of("boom\u001b[31m red\u009b\nsecond line"), Optional.of("stack"), Optional.empty(), "TEST-huge.xml"))
                .toList();
        RunSummary summary = RunSummary.of("run-1", Instant.parse("2026-01-01T00:00:00Z"), 1, "local processes",
                List.of(), new TestSuiteResult(cases, List.of()), CoverageSummary.NO_COVERAGE,
                OrphanReport.NONE, 0, 0, "report", List.of("TEST-\u001b[8mhidden.xml: malformed"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        RunCommand.print(summary, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.chars().filter(c -> c != '\n' && (c < 0x20 || (c >= 0x7f && c <= 0x9f))))
                .as("control characters printed").isEmpty();
        assertThat(out.lines().filter(l -> l.startsWith("  FAILED "))).hasSize(RunCommand.MAX_PRINTED_FAILURES);
        assertThat(out).contains("  FAILED pkg.C0.test\\u001b[2J\\u001b]0;owned\\u0007\\u000d0: boom\\u001b[31m red\\u009b\n")
                .contains("  ... and 19,990 more (all in the HTML report)\n")
                .contains("problem: TEST-\\u001b[8mhidden.xml: malformed\n");
    }
}
