package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A supervisor's file and process chores, on a thread of their own every {@link #PERIOD}: write {@code state.json}
 * when something changed, touch the heartbeat, notice a stop request or a deleted control directory, rotate logs
 * over their cap, and kill leftovers (double-forked daemons) of runs that have ended. Which chores are due on a
 * tick is decided by a {@link Schedule} from a clock value.
 *
 * <p>Threading: {@link #runEnded} and {@link #sweepAll} from any thread; the callbacks are called on the
 * housekeeping thread.
 */
final class Housekeeper {

    static final Duration PERIOD = Duration.ofMillis(100);
    static final Duration STOP_POLL = Duration.ofMillis(200);
    static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);
    static final Duration ESCAPE_SWEEP_PERIOD = Duration.ofSeconds(10);

    /**
     * Which chores a tick does: {@code sweep} the runs that have ended since the last one, {@code escapeSweep} look
     * for what left the cgroups of the runs emptied before.
     */
    record Due(boolean heartbeat, boolean stopPoll, boolean sweep, boolean escapeSweep) {
    }

    /**
     * When each chore is due: the heartbeat every {@code heartbeatInterval}, the stop-request check and log rotation
     * every {@link #STOP_POLL}, a sweep every {@link #SWEEP_PERIOD} while there is something to sweep, a sweep for
     * escapees every {@link #ESCAPE_SWEEP_PERIOD} while a cgroup has been emptied since the last. A chore not done
     * yet is due at once. Not thread-safe: one housekeeping thread ticks it.
     */
    static final class Schedule {
        private final Duration heartbeatInterval;
        private Long lastHeartbeat;
        private Long lastStopPoll;
        private Long lastSweep;
        private Long lastEscapeSweep;

        Schedule(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        /**
         * The chores due at {@code nowNanos} ({@link System#nanoTime()}), which count as done from then on.
         *
         * @param anythingToSweep  whether some ended run may have left processes behind
         * @param anythingEscaping whether the cgroup of some ended run has been emptied since the last escape sweep
         */
        Due tick(long nowNanos, boolean anythingToSweep, boolean anythingEscaping) {
            boolean heartbeat = due(lastHeartbeat, nowNanos, heartbeatInterval);
            boolean stopPoll = due(lastStopPoll, nowNanos, STOP_POLL);
            boolean sweep = anythingToSweep && due(lastSweep, nowNanos, SWEEP_PERIOD);
            boolean escapeSweep = anythingEscaping && due(lastEscapeSweep, nowNanos, ESCAPE_SWEEP_PERIOD);
            if (heartbeat) {
                lastHeartbeat = nowNanos;
            }
            if (stopPoll) {
                lastStopPoll = nowNanos;
            }
            if (sweep) {
                lastSweep = nowNanos;
            }
            if (escapeSweep) {
                lastEscapeSweep = nowNanos;
            }
            return new Due(heartbeat, stopPoll, sweep, escapeSweep);
        }

        private static boolean due(Long last, long now, Duration period) {
            return last == null || now - last >= period.toNanos();
        }
    }

    private final ControlDirectory dir;
    private final SupervisorSpec spec;
    private final Cookies cookies;
    private final Journal journal;
    private final BooleanSupplier closing;
    private final Consumer<String> stopRequest;
    private final BiConsumer<String, Long> rotated;
    private final Schedule schedule;
    private final Set<String> endedRuns = ConcurrentHashMap.newKeySet();
    /** Cookies of ended runs whose cgroup was emptied, to look for in {@code /proc} at the next escape sweep. */
    private final Set<String> emptiedRuns = new HashSet<>(); // the housekeeping thread's
    /**
     * Each service's log (in the spec's order), as {@code File}s made once: five checks a second of 100 logs through
     * {@code Files.size} on new {@code Path}s took 2.7 ms each in the daemon's interpreter, {@code File.length} on
     * these 0.3 ms.
     */
    private final File[] logs;
    private ScheduledExecutorService thread;

    /**
     * @param closing     whether the supervisor is closing: then only {@code state.json} is written
     * @param stopRequest called with the reason when a stop is requested or the control directory vanished
     * @param rotated     called with a service and the bytes of its log that a rotation dropped
     */
    Housekeeper(ControlDirectory dir, SupervisorSpec spec, Cookies cookies, Journal journal, BooleanSupplier closing,
                Consumer<String> stopRequest, BiConsumer<String, Long> rotated) {
        this.dir = dir;
        this.spec = spec;
        this.cookies = cookies;
        this.journal = journal;
        this.closing = closing;
        this.stopRequest = stopRequest;
        this.rotated = rotated;
        this.schedule = new Schedule(spec.heartbeatInterval());
        this.logs = spec.services().stream().map(s -> dir.logFile(s.name()).toFile()).toArray(File[]::new);
    }

    /** Starts ticking; {@code guard} wraps each tick (it reports what a tick throws). */
    void start(ThreadFactory factory, UnaryOperator<Runnable> guard) {
        thread = Executors.newSingleThreadScheduledExecutor(factory);
        thread.scheduleWithFixedDelay(guard.apply(this::tick), PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops ticking (a tick in progress is interrupted). */
    void stop() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    /** The run that carried {@code cookie} has ended: whatever still carries it is killed at the next sweep. */
    void runEnded(String cookie) {
        endedRuns.add(cookie);
    }

    /**
     * Kills every process that carries a cookie of this supervisor, and what is left in the cgroups of its runs;
     * returns how many processes carried a cookie.
     */
    int sweepAll() {
        int swept = sweep(c -> true, true);
        ProcessTree.killCgroups(cookies.prefix());
        return swept;
    }

    private void tick() {
        journal.flush();
        if (closing.getAsBoolean()) {
            return;
        }
        Due due = schedule.tick(System.nanoTime(), !endedRuns.isEmpty(), !emptiedRuns.isEmpty());
        if (due.heartbeat()) {
            if (!dir.exists()) {
                stopRequest.accept("control directory " + dir + " was deleted");
                return;
            }
            journal.touchHeartbeat();
        }
        if (due.stopPoll()) {
            if (dir.stopRequested()) {
                stopRequest.accept("stop requested through " + dir.file(ControlDirectory.STOP_REQUEST));
            }
            rotateLogs();
        }
        if (due.sweep() || due.escapeSweep()) {
            Set<String> ended = Set.copyOf(endedRuns);
            endedRuns.removeAll(ended);
            // the current run of a service is never among them: its cookie is not ended
            sweepEnded(ended, due.escapeSweep());
        }
    }

    private void rotateLogs() {
        for (int i = 0; i < logs.length; i++) {
            ServiceSpec s = spec.services().get(i);
            if (logs[i].length() <= s.logMaxBytes()) { // 0 when it does not exist
                continue;
            }
            Path log = logs[i].toPath();
            try {
                rotated.accept(s.name(), LogRotation.rotate(log, s.logMaxBytes(), s.logKeep()));
            } catch (IOException e) {
                journal.problem("cannot rotate " + log + ": " + e.getMessage());
            }
        }
    }

    /**
     * @param settle wait for a process in the middle of an exec to show its cookie: the last sweep of a stop does, the
     *               periodic one does not (what one pass misses, the next finds)
     */
    private int sweep(Predicate<String> which, boolean settle) {
        Map<Long, String> holders = ProcessTree.cookieHolders(c -> cookies.ours(c) && which.test(c), settle);
        holders.forEach((pid, cookie) -> ProcessTree.stop(pid, cookie, Signal.KILL, Duration.ZERO));
        return holders.size();
    }

    /**
     * The leftovers of the ended runs. A run with a cgroup (all runs, where this JVM uses cgroups) is emptied through
     * it: everything it started is in there, whether or not it dropped the cookie. The processes carrying the cookie
     * of a run without one are looked for in {@code /proc} at once ({@link #sweep}, which reads the environment of
     * every process: 12-16 ms of the interpreted daemon's CPU with 170 processes); those of the runs emptied before
     * only with {@code escapees}, every {@link #ESCAPE_SWEEP_PERIOD}, for what moved itself to another cgroup.
     */
    private void sweepEnded(Set<String> ended, boolean escapees) {
        Set<String> scan = new HashSet<>();
        for (String cookie : ended) {
            if (ProcessTree.killCgroup(cookie).isPresent()) {
                emptiedRuns.add(cookie);
            } else {
                scan.add(cookie);
            }
        }
        if (escapees) {
            scan.addAll(emptiedRuns);
            emptiedRuns.clear();
        }
        if (!scan.isEmpty()) {
            sweep(scan::contains, false);
        }
    }
}
