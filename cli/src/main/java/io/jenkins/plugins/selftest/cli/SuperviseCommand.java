package io.jenkins.plugins.selftest.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code selftest supervise}. */
@Command(name = "supervise", mixinStandardHelpOptions = true, description = "Run helper services in the foreground, restarting them by policy.")
final class SuperviseCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("selftest supervise: coming soon (this command is being built; see README.md).");
        return 0;
    }
}
