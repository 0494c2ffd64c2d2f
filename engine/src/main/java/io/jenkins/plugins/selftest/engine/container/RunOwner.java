package io.jenkins.plugins.selftest.engine.container;

import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The process that runs a self-test run (the CLI, or the agent JVM of a {@code selfTest} step), recorded in the
 * labels of the run's containers so that {@code selftest cleanup} can tell a live run from one that is over: the
 * run is alive while that process, on that host, with that start time, runs. Immutable.
 *
 * @param host       the owner's host name ({@code /proc/sys/kernel/hostname}); a pid means nothing elsewhere
 * @param pid        the owner's process id
 * @param startTicks its start time in clock ticks since boot (a reused pid has another)
 */
public record RunOwner(String host, long pid, long startTicks) {

    /** Label with the owner's host name. */
    public static final String HOST_LABEL = "selftest.owner.host";
    /** Label with the owner's pid. */
    public static final String PID_LABEL = "selftest.owner.pid";
    /** Label with the owner's start time in clock ticks since boot. */
    public static final String START_LABEL = "selftest.owner.start";
    /**
     * Environment variable of a local shard's processes that names the run's owner ({@link #environmentValue()}), so
     * that {@code selftest cleanup} can stop the shard trees of runs that are over, as it removes their containers.
     */
    public static final String ENVIRONMENT_VARIABLE = "SELFTEST_RUN_OWNER";

    /** Whether a run's owner still runs. */
    public enum Liveness {
        /** The owner process runs: the run is going on. */
        ALIVE,
        /** The owner process is gone (or its pid belongs to another process now): the run is over. */
        GONE,
        /** No owner recorded (an older version's container) or another host's: cannot be told from here. */
        UNKNOWN
    }

    /** This JVM as an owner; empty where {@code /proc} does not say its start time. */
    public static Optional<RunOwner> current() {
        long pid = ProcessHandle.current().pid();
        return ProcessTree.startTicks(pid).map(ticks -> new RunOwner(thisHost(), pid, ticks));
    }

    /** The labels that record this owner on a container. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(HOST_LABEL, host);
        labels.put(PID_LABEL, Long.toString(pid));
        labels.put(START_LABEL, Long.toString(startTicks));
        return labels;
    }

    /** This owner as the value of {@link #ENVIRONMENT_VARIABLE}: {@code PID:START@HOST}. */
    public String environmentValue() {
        return pid + ":" + startTicks + "@" + host;
    }

    /** The owner in a value of {@link #ENVIRONMENT_VARIABLE}; empty when it is garbled. */
    public static Optional<RunOwner> ofEnvironmentValue(String value) {
        int colon = value.indexOf(':');
        int at = value.indexOf('@');
        if (colon < 0 || at < colon) {
            return Optional.empty();
        }
        return of(Map.of(HOST_LABEL, value.substring(at + 1), PID_LABEL, value.substring(0, colon),
                START_LABEL, value.substring(colon + 1, at)));
    }

    /** The owner recorded in a container's labels; empty when they hold none (or garbled ones). */
    public static Optional<RunOwner> of(Map<String, String> labels) {
        String host = labels.get(HOST_LABEL);
        String pid = labels.get(PID_LABEL);
        String start = labels.get(START_LABEL);
        if (host == null || pid == null || start == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RunOwner(host, Long.parseLong(pid.strip()), Long.parseLong(start.strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The liveness of the owner recorded in {@code labels}. */
    public static Liveness liveness(Map<String, String> labels) {
        return of(labels).map(RunOwner::liveness).orElse(Liveness.UNKNOWN);
    }

    /** Whether this owner still runs, as far as this host can tell. */
    public Liveness liveness() {
        if (!host.equals(thisHost())) {
            return Liveness.UNKNOWN;
        }
        return ProcessTree.isRunning(pid) && ProcessTree.startTicks(pid).equals(Optional.of(startTicks))
                ? Liveness.ALIVE : Liveness.GONE;
    }

    private static String thisHost() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException | SecurityException e) {
            return "unknown";
        }
    }
}
