package io.jenkins.plugins.selftest.engine.container;

/**
 * The outcome of one container CLI call.
 *
 * @param exitCode the CLI's exit code; -1 when it timed out and was killed
 * @param output   stdout and stderr, merged, trimmed
 * @param timedOut whether the call outlived its timeout
 */
public record CliResult(int exitCode, String output, boolean timedOut) {

    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /** The first line of the output, for one-line error messages. */
    public String firstLine() {
        String o = output.strip();
        int nl = o.indexOf('\n');
        return nl < 0 ? o : o.substring(0, nl);
    }
}
