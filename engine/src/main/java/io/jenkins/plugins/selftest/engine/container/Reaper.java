package io.jenkins.plugins.selftest.engine.container;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Removes selftest containers by label: all of them ({@code selftest=true}), or those of one run. Used after every
 * run, by {@code selftest cleanup} for containers left by interrupted runs, and as a JVM shutdown hook while a run is
 * in progress (the fallback Testcontainers' Ryuk also has: it covers Ctrl-C and a normal exit, not SIGKILL - for
 * that there is {@code cleanup}).
 *
 * <p>Thread-safe: it only calls the container CLI.
 */
public final class Reaper {

    private final ContainerRuntime runtime;

    public Reaper(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * What a reap did.
     *
     * @param removed  ids of removed containers
     * @param failures failed list or remove calls (each counts as a container failure)
     * @param problems one line per failure, naming the container and the CLI's reason
     * @param left     containers found but still not removed after all retries, -1 when they could not be listed
     * @param kept     containers left alone on purpose, one line each: their run is alive, or cannot be told
     *                 ({@link #reapFinished})
     */
    public record Result(List<String> removed, int failures, List<String> problems, int left, List<String> kept) {
        public Result {
            removed = List.copyOf(removed);
            problems = List.copyOf(problems);
            kept = List.copyOf(kept);
        }

        public Result(List<String> removed, int failures, List<String> problems, int left) {
            this(removed, failures, problems, left, List.of());
        }

        /** Whether everything selected is gone (retried failures may have happened on the way). */
        public boolean clean() {
            return left == 0;
        }
    }

    /** The labels that select the containers of a run, or all selftest containers. */
    public static Map<String, String> selector(Optional<String> runId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ContainerRuntime.LABEL, "true");
        runId.ifPresent(id -> labels.put(ContainerRuntime.RUN_LABEL, id));
        return labels;
    }

    /**
     * Lists and removes the selected containers, trying a failing list or remove up to {@code retries} more times
     * with {@code delay} between attempts. Never throws for engine failures: they are counted and described.
     */
    public Result reap(Optional<String> runId, int retries, Duration delay) {
        List<String> removed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int failures = 0;
        List<String> ids = null;
        for (int attempt = 0; attempt <= retries && ids == null; attempt++) {
            try {
                ids = runtime.list(selector(runId));
            } catch (IOException e) {
                failures++;
                problems.add(e.getMessage() + (attempt < retries ? "; retrying" : ""));
                pause(attempt < retries ? delay : Duration.ZERO);
            }
        }
        if (ids == null) {
            return new Result(removed, failures, problems, -1);
        }
        // all at once: a run's shards are stopped together, not one container after the other
        List<String> removedAll = java.util.Collections.synchronizedList(removed);
        List<String> problemsAll = java.util.Collections.synchronizedList(problems);
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger(failures);
        List<Thread> removers = new ArrayList<>();
        for (String id : ids) {
            Thread t = new Thread(() -> {
                boolean gone = false;
                for (int attempt = 0; attempt <= retries && !gone; attempt++) {
                    String reason;
                    try {
                        CliResult r = runtime.remove(id);
                        gone = r.ok();
                        reason = r.firstLine();
                    } catch (IOException e) {
                        reason = e.getMessage();
                    }
                    if (!gone) {
                        failed.incrementAndGet();
                        problemsAll.add("cannot remove container " + shortId(id) + ": " + reason
                                + (attempt < retries ? "; retrying" : ""));
                        pause(attempt < retries ? delay : Duration.ZERO);
                    }
                }
                if (gone) {
                    removedAll.add(id);
                }
            }, "selftest-reaper-rm");
            t.setDaemon(true);
            t.start();
            removers.add(t);
        }
        boolean interrupted = false;
        for (Thread t : removers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // finish the clean-up; the caller sees its interrupt afterwards
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        failures = failed.get();
        return new Result(removed, failures, problems, ids.size() - removed.size());
    }

    /**
     * Removes the selftest containers of runs that are over: those whose run id starts with {@code runPrefix} (so
     * containers of other tools' runs, such as the CLI's, are left alone) and that {@code live} does not claim. For
     * a periodic clean-up by an owner that knows which of its runs are still going (the Jenkins plugin). Never throws
     * for engine failures.
     */
    public Result reapStale(String runPrefix, java.util.function.Predicate<String> live) {
        List<String> problems = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        int failures = 0;
        List<String> ids;
        try {
            ids = runtime.list(selector(Optional.empty()));
        } catch (IOException e) {
            return new Result(List.of(), 1, List.of(e.getMessage()), -1);
        }
        for (String id : ids) {
            try {
                Optional<String> run = runtime.label(id, ContainerRuntime.RUN_LABEL);
                if (run.isPresent() && run.get().startsWith(runPrefix) && !live.test(run.get())) {
                    stale.add(run.get());
                }
            } catch (IOException e) {
                // removed meanwhile, most likely: nothing to reap
                problems.add(e.getMessage());
            }
        }
        return reapRuns(stale.stream().distinct().toList(), 1, Duration.ofMillis(200), failures, problems, List.of());
    }

    /**
     * Removes the selftest containers of runs that are over: every container of the run records an owner process
     * ({@link RunOwner}) on this host that no longer runs. Containers of live runs, of other hosts' runs and those
     * without an owner (made by an older version) are kept and listed in {@link Result#kept()}: a clean-up must not
     * take a running shard down. A failing remove is retried {@code retries} times, {@code delay} apart. Never throws
     * for engine failures.
     */
    public Result reapFinished(int retries, Duration delay) {
        List<String> problems = new ArrayList<>();
        List<String> ids;
        try {
            ids = runtime.list(selector(Optional.empty()));
        } catch (IOException e) {
            return new Result(List.of(), 1, List.of(e.getMessage()), -1);
        }
        Map<String, Boolean> over = new LinkedHashMap<>(); // run id -> every container's owner is gone
        List<String> kept = new ArrayList<>();
        for (String id : ids) {
            Map<String, String> labels;
            try {
                labels = runtime.labels(id);
            } catch (IOException e) {
                problems.add(e.getMessage()); // removed meanwhile, most likely
                continue;
            }
            String run = labels.get(ContainerRuntime.RUN_LABEL);
            RunOwner.Liveness liveness = run == null ? RunOwner.Liveness.UNKNOWN : RunOwner.liveness(labels);
            if (run != null) {
                over.merge(run, liveness == RunOwner.Liveness.GONE, Boolean::logicalAnd);
            }
            if (liveness != RunOwner.Liveness.GONE) {
                kept.add(shortId(id) + " (run " + (run == null ? "?" : run) + "): " + (liveness == RunOwner.Liveness.ALIVE
                        ? "its run is alive (pid " + labels.get(RunOwner.PID_LABEL) + ")"
                        : "its owner cannot be told (" + RunOwner.of(labels).map(o -> "host " + o.host()).orElse("no owner label") + ")"));
            }
        }
        List<String> finished = over.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        Result containers = reapRuns(finished, retries, delay, 0, problems, kept);
        Result blocks = reapFinishedBlocks();
        List<String> removed = new ArrayList<>(containers.removed());
        removed.addAll(blocks.removed());
        List<String> allProblems = new ArrayList<>(containers.problems());
        allProblems.addAll(blocks.problems());
        return new Result(removed, containers.failures() + blocks.failures(), allProblems,
                containers.left() + Math.max(0, blocks.left()), containers.kept());
    }

    /**
     * Removes the networks and volumes of service blocks that are over: the process that made them (their owner
     * labels) no longer runs and no container of their run is left. A block whose supervisor died keeps them while
     * its containers run (its successor takes them over). Never throws for engine failures.
     */
    public Result reapFinishedBlocks() {
        List<String> removed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int failures = 0;
        int left = 0;
        Map<String, String> selector = new LinkedHashMap<>(selector(Optional.empty()));
        selector.put(ContainerRuntime.KIND_LABEL, "service");
        for (String what : List.of("network", "volume")) {
            List<String> names;
            try {
                names = runtime.listOf(what, selector);
            } catch (IOException e) {
                return new Result(removed, failures + 1, List.of(e.getMessage()), -1);
            }
            for (String name : names) {
                try {
                    Map<String, String> labels = runtime.labelsOf(what, name);
                    String run = labels.get(ContainerRuntime.RUN_LABEL);
                    if (run == null || RunOwner.liveness(labels) != RunOwner.Liveness.GONE
                            || !runtime.list(selector(Optional.of(run))).isEmpty()) {
                        continue;
                    }
                    CliResult r = runtime.exec(List.of(what, "rm", "-f", name), ContainerRuntime.CALL_TIMEOUT);
                    if (r.ok()) {
                        removed.add(what + " " + name);
                    } else {
                        failures++;
                        left++;
                        problems.add("cannot remove " + what + " " + name + ": " + r.firstLine());
                    }
                } catch (IOException e) {
                    problems.add(e.getMessage()); // removed meanwhile, most likely
                }
            }
        }
        return new Result(removed, failures, problems, left);
    }

    private Result reapRuns(List<String> runs, int retries, Duration delay, int failures, List<String> problems,
                            List<String> kept) {
        List<String> removed = new ArrayList<>();
        int left = 0;
        for (String run : runs) {
            Result r = reap(Optional.of(run), retries, delay);
            removed.addAll(r.removed());
            failures += r.failures();
            problems.addAll(r.problems());
            left += Math.max(0, r.left());
        }
        return new Result(removed, failures, problems, left, kept);
    }

    /**
     * Registers a JVM shutdown hook that removes the run's containers if the JVM ends before {@code close()} is
     * called (Ctrl-C, an uncaught error). Close it when the run has cleaned up itself.
     */
    public AutoCloseable guard(String runId) {
        Thread hook = new Thread(() -> reap(Optional.of(runId), 1, Duration.ofMillis(200)), "selftest-reaper-" + runId);
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        };
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
