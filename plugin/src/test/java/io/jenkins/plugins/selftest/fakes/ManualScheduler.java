package io.jenkins.plugins.selftest.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler driven by the test: {@code submit} runs at once on the caller's thread, {@code schedule} queues the
 * task with its delay until {@link #runNext()}. So a test sees every delay the code chose, in order.
 */
public class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    public final List<Long> delaysMillis = new ArrayList<>();
    private final List<Runnable> queue = new ArrayList<>();

    /** Runs the next scheduled task; false when none is queued. */
    public boolean runNext() {
        Runnable r;
        synchronized (this) {
            if (queue.isEmpty()) {
                return false;
            }
            r = queue.remove(0);
        }
        r.run();
        return true;
    }

    public synchronized int queued() {
        return queue.size();
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        delaysMillis.add(unit.toMillis(delay));
        Task<Object> t = new Task<>(command, null);
        queue.add(t);
        return t;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        Task(Runnable r, V v) {
            super(r, v);
        }

        @Override
        public boolean cancel(boolean interrupt) {
            synchronized (ManualScheduler.this) {
                queue.remove(this);
            }
            return super.cancel(interrupt);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed o) {
            return 0;
        }
    }
}
