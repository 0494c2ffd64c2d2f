package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.coverage.Counter;
import org.junit.jupiter.api.Test;

class RunCommandTest {

    /** Regression (issue #8, 10c): code without branches was reported as "branch 0.0%". */
    @Test
    void coverageOfNothingToCountIsNotApplicable() {
        assertThat(RunCommand.percent(new Counter(0, 0))).isEqualTo("n/a");
        assertThat(RunCommand.percent(new Counter(812, 188))).isEqualTo("81.2%");
        assertThat(RunCommand.percent(new Counter(0, 5))).isEqualTo("0.0%");
    }

    @Test
    void aMetricsAddressThatCannotBeBoundStopsRunScheduledBeforeTheFirstCycleWithOneLine() {
        Cli.Result r = Cli.run("run-scheduled", "--interval", "1h", "--max-cycles", "1", "--metrics-port", "0",
                "--metrics-bind", "no-such-host.invalid");

        assertThat(r.exit()).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("selftest run-scheduled: cannot serve metrics on "
                + "no-such-host.invalid: unknown address - give an address of this machine with --metrics-bind");
    }
}
