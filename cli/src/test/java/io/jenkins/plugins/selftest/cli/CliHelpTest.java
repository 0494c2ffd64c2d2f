package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliHelpTest {

    @ParameterizedTest(name = "{0} --help")
    @CsvSource(delimiter = '|', value = {
        "run|--shards,--workers,--use-container,--container-runtime,--container-image,--mount,--docker-host,--framework,--timeout,--history,--metrics-port,--metrics-bind,--include-orphans,--discover-orphans,--recursive-orphans,--report-dir",
        "run-scheduled|--interval,--shards,--history,--metrics-port,--metrics-bind,--report-dir",
        "cleanup|--container-runtime,--docker-host,--retries,--run,--all",
        "report|--history,--report-dir"})
    void everyCommandHasHelpListingTheIssuesOptions(String command, String options) {
        Cli.Result r = Cli.run(command, "--help");
        assertThat(r.exit()).isZero();
        for (String o : options.split(",")) {
            assertThat(r.out().replace("[no-]", "")).contains(o);
        }
    }

    @Test
    void aBadMountIsOneUsageLineNamingTheOptionAndTheSpelling() {
        Cli.Result r = Cli.run("run", "--mount", "~/.ssh", "--use-container");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("selftest run: --mount '~/.ssh' needs an absolute host path: write "
                + "HOST[:CONTAINER][:ro|:rw] with absolute paths, e.g. /opt/tools or /srv/data:/data:ro"
                + System.lineSeparator());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"run --shards x", "run --timeout forever", "cleanup --bogus", "run-scheduled"})
    void usageErrorsExitWithTwo(String args) {
        assertThat(Cli.run(args.split(" ")).exit()).isEqualTo(2);
    }
}
