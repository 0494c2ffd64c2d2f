package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs all shards of a plan at once, one daemon thread each, and collects what they finish with. An interrupt of the
 * waiting thread (the owner stops the run: an aborted build cancels the remote call) aborts the run - all shards at
 * once - and waits, bounded, for the shards to report. The interrupt is not restored here but reported, so that the
 * caller's clean-up (lock files, CLI calls) runs first.
 */
final class ShardPool {

    /**
     * What the pool ended with.
     *
     * @param shards      the shards that reported, in plan order; fewer than planned when interrupted
     * @param interrupted the waiting thread was interrupted, the run aborted
     */
    record Ended(List<FinishedShard> shards, boolean interrupted) {
        Ended {
            shards = List.copyOf(shards);
        }
    }

    private ShardPool() {
    }

    /**
     * @param shard runs the shard of that index and never throws for a failing shard
     * @throws IOException when a shard failed unexpectedly (a bug, not a failing shard)
     */
    static Ended runAll(String runId, ShardPlan plan, IntFunction<FinishedShard> shard, RunControl control)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(plan.shardCount(), r -> {
            Thread t = new Thread(r, "selftest-shard");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<FinishedShard>> futures = new ArrayList<>();
            for (ShardPlan.Shard s : plan.shards()) {
                futures.add(pool.submit(() -> shard.apply(s.index())));
            }
            List<FinishedShard> results = new ArrayList<>();
            try {
                for (Future<FinishedShard> f : futures) {
                    results.add(f.get());
                }
            } catch (InterruptedException e) {
                control.abort();
                awaitShards(futures);
                return new Ended(results, true);
            }
            return new Ended(results, false);
        } catch (ExecutionException e) {
            throw new IOException("shard of run " + runId + " failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits (at most {@link RunControl#ABORT_WAIT}, even when interrupted) for the shards of an aborted run. */
    private static void awaitShards(List<Future<FinishedShard>> futures) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + RunControl.ABORT_WAIT.toNanos();
        for (Future<FinishedShard> f : futures) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                // a shard that does not end is interrupted by shutdownNow; its outcome is not waited for
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
