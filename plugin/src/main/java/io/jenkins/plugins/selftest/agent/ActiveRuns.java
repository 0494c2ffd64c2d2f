package io.jenkins.plugins.selftest.agent;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of the {@code selfTest} runs this controller is running right now. Every run id the plugin makes starts
 * with {@link #PREFIX}, so the periodic reaper ({@link StaleContainerReaper}) removes containers of Jenkins runs that
 * are over and never those of the command line tool or of anything else on the machine. Thread-safe.
 */
public final class ActiveRuns {

    /** The prefix of the run ids the plugin makes (container label {@code selftest.run}). */
    public static final String PREFIX = "jenkins-";

    private static final Set<String> RUNS = ConcurrentHashMap.newKeySet();

    private ActiveRuns() {
    }

    public static void add(String runId) {
        RUNS.add(runId);
    }

    public static void remove(String runId) {
        RUNS.remove(runId);
    }

    public static boolean contains(String runId) {
        return RUNS.contains(runId);
    }

    public static List<String> snapshot() {
        return List.copyOf(RUNS);
    }
}
