package io.jenkins.plugins.selftest.engine.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A process that escapes a stop as far as an unprivileged one can: it leaves the process group ({@code setsid}),
 * drops the cookie ({@code env -i}) and is re-parented out of the tree (the subshell exits). Found again by its
 * unique argument ({@code sleep 600.<random>}).
 */
public record Escapee(String argument) {

    public static Escapee create() {
        return new Escapee("600." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    }

    /** The shell command that starts it. */
    public String command() {
        return "(setsid env -i sleep " + argument + " &)";
    }

    /**
     * Live processes running it, at any stage of its chain of execs ({@code setsid}, {@code env}, {@code sleep}). A
     * process in the middle of an exec shows an empty command line for a moment, so a test waits for {@link #settled}
     * before it counts on finding it again.
     */
    public List<Long> running() {
        return matching(false);
    }

    /** Whether it has become the {@code sleep} it ends as: from then on it stays visible until it is killed. */
    public boolean settled() {
        return !matching(true).isEmpty();
    }

    private List<Long> matching(boolean whole) {
        byte[] needle = ("sleep\0" + argument + "\0").getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> endsWith(p.resolve("cmdline"), needle, whole))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(ProcessTree::isRunning).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Kills what is left of it (a test that shows it survives cleans up after itself). */
    public void kill() {
        running().forEach(p -> ProcessTree.send(p, Signal.KILL));
    }

    /** Whether the cgroup of the tree with {@code cookie} is still there. */
    public static boolean cgroupLeft(String cookie) {
        return Cgroups.of(cookie).map(Files::isDirectory).orElse(false);
    }

    private static boolean endsWith(Path cmdline, byte[] needle, boolean whole) {
        try {
            byte[] b = Files.readAllBytes(cmdline);
            return (whole ? b.length == needle.length : b.length >= needle.length)
                    && java.util.Arrays.equals(b, b.length - needle.length, b.length, needle, 0, needle.length);
        } catch (IOException e) {
            return false;
        }
    }
}
