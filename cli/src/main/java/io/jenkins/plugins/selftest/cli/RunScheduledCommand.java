package io.jenkins.plugins.selftest.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code selftest run-scheduled}. */
@Command(name = "run-scheduled", mixinStandardHelpOptions = true, description = "Run the test suite once per interval, appending each cycle to the history.")
final class RunScheduledCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("selftest run-scheduled: coming soon (this command is being built; see README.md).");
        return 0;
    }
}
