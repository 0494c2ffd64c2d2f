package io.jenkins.plugins.selftest.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code selftest run}. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the test suite in shards, in containers or local processes.")
final class RunCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("selftest run: coming soon (this command is being built; see README.md).");
        return 0;
    }
}
