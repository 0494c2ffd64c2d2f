package io.jenkins.plugins.selftest.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code selftest} command line: {@code cli/selftest <command> --help} (the launcher of {@code cli/target/selftest.jar}). */
@Command(name = "selftest",
        mixinStandardHelpOptions = true,
        versionProvider = SelftestCommand.Version.class,
        description = "Sharded, containerized self-tests and supervised helper services.",
        subcommands = {
            RunCommand.class,
            RunScheduledCommand.class,
            CleanupCommand.class,
            SuperviseCommand.class,
            ReportCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SelftestCommand implements Runnable {

    /** Exit code for usage or setup errors (missing runtime, bad image, bad path). */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (run, run-scheduled, cleanup, supervise, report)");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and for tests that run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SelftestCommand());
        cl.setExitCodeExceptionMapper(e -> EXIT_USAGE);
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SelftestCommand.class.getPackage().getImplementationVersion();
            return new String[] {"selftest " + (v == null ? "development build" : v)};
        }
    }
}
