package io.jenkins.plugins.selftest.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code selftest report}. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Write the HTML report with trend charts from a history file.")
final class ReportCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("selftest report: coming soon (this command is being built; see README.md).");
        return 0;
    }
}
