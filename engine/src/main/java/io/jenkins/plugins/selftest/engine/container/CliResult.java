package io.jenkins.plugins.selftest.engine.container;

import java.util.List;
import java.util.Locale;

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

    /**
     * The line of the output that says what went wrong, for one-line error messages: the first line mentioning an
     * error or a failure to connect (CLIs print a banner before it, e.g. {@code docker version}'s "Client:"),
     * else the first line.
     */
    public String firstLine() {
        List<String> lines = output.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return timedOut ? "timed out" : "exit code " + exitCode + ", no output";
        }
        return lines.stream().filter(l -> {
            String low = l.toLowerCase(Locale.ROOT);
            return low.contains("error") || low.contains("cannot") || low.contains("not ") || low.contains("denied");
        }).findFirst().orElse(lines.get(0));
    }
}
