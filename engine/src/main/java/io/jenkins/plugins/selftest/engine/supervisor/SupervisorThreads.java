package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A supervisor's own threads: the one scheduler thread that owns all service state (so that transitions need no
 * lock), a small pool for readiness probes, and a factory for the other threads (spawner, housekeeping) that names
 * them and knows them as its own. Whatever a task throws goes to the fatal-error handler.
 *
 * <p>Thread-safe.
 */
final class SupervisorThreads {

    private final Consumer<Throwable> fatal;
    private final Set<Thread> own = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ScheduledThreadPoolExecutor probes;

    /** @param fatal called with what a task threw, on that task's thread */
    SupervisorThreads(Consumer<Throwable> fatal) {
        this.fatal = fatal;
        this.scheduler = new ScheduledThreadPoolExecutor(1, named("supervisor"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.probes = new ScheduledThreadPoolExecutor(2, named("supervisor-probe"));
        probes.setRemoveOnCancelPolicy(true);
    }

    /** Small daemon threads called {@code name-N}, known as this supervisor's own. */
    ThreadFactory named(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            own.add(t);
            return t;
        };
    }

    /** {@code r}, with whatever it throws handed to the fatal-error handler. */
    Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable t) {
                fatal.accept(t);
            }
        };
    }

    /** Runs {@code r} on the scheduler thread; nothing once it is shut down (nothing is supervised any more). */
    void onScheduler(Runnable r) {
        try {
            scheduler.execute(guard(r));
        } catch (RejectedExecutionException e) {
            // shut down
        }
    }

    /** Runs {@code task} on the scheduler thread after {@code delay}. */
    Future<?> onScheduler(Duration delay, Runnable task) {
        return scheduler.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code c} on the scheduler thread and waits for its result. */
    <T> T onSchedulerAndWait(Callable<T> c) {
        try {
            return scheduler.submit(c).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the supervisor thread", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("supervisor thread failed: " + e.getCause(), e.getCause());
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("supervisor is shut down", e);
        }
    }

    /** Runs {@code probe} on the probe pool after {@code delay}. */
    Future<?> onProbePool(Duration delay, Runnable probe) {
        return probes.schedule(guard(probe), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Ends the probes, interrupting those in progress. */
    void stopProbes() {
        probes.shutdownNow();
    }

    /**
     * Ends the probes and the scheduler after the tasks it has queued, and waits up to 5 s for that unless called on
     * one of these threads (a fatal error in a task: it cannot wait for itself).
     */
    void shutdown() {
        probes.shutdownNow();
        scheduler.shutdown();
        if (own.contains(Thread.currentThread())) {
            return;
        }
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
