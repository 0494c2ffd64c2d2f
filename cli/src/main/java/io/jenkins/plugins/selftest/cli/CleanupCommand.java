package io.jenkins.plugins.selftest.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code selftest cleanup}. */
@Command(name = "cleanup", mixinStandardHelpOptions = true, description = "Remove stale selftest containers left by interrupted runs.")
final class CleanupCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("selftest cleanup: coming soon (this command is being built; see README.md).");
        return 0;
    }
}
