package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.report.LogText;
import io.jenkins.plugins.selftest.engine.run.RunListener;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows a run's progress on stderr: on a terminal a progress bar redrawn in place, otherwise (CI logs, pipes) plain
 * lines only. Each shard's result is printed as one line when the shard ends. Thread-safe.
 */
final class ProgressListener implements RunListener, AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private ScheduledExecutorService ticker;
    private final String testUnits;
    private int total;
    private int done;
    private boolean barShown;

    /** @param testUnits what the tests are ({@code Framework.testUnits()}: "test classes", "test files") */
    ProgressListener(PrintStream err, boolean terminal, String testUnits) {
        this.err = err;
        this.terminal = terminal;
        this.testUnits = testUnits;
    }

    @Override
    public synchronized void planned(ShardPlan plan, String mode) {
        total = plan.shardCount();
        err.printf(Locale.ROOT, "selftest: %d %s in %d shard(s), %d worker(s), as %s%n", plan.allTests().size(), testUnits,
                total, plan.shards().stream().mapToInt(ShardPlan.Shard::workers).sum(), mode);
        if (terminal && ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "selftest-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::redraw, 0, 250, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void shardStarted(ShardPlan.Shard shard) {
        if (!terminal) {
            err.printf(Locale.ROOT, "shard %d started: %d test class(es), %d worker(s)%n", shard.index(),
                    shard.tests().size(), shard.workers());
        }
    }

    @Override
    public synchronized void shardFinished(ShardResult r) {
        done++;
        clearBar();
        err.printf(Locale.ROOT, "shard %d %s: %d tests, %d passed, %d failed, %d skipped in %.1fs%n", r.index(),
                r.outcome(), r.total(), r.passed(), r.failed(), r.skipped(), r.runtimeSeconds());
        r.problems().forEach(p -> err.println("  " + LogText.line(p)));
        redraw();
    }

    @Override
    public synchronized void note(String message) {
        clearBar();
        err.println("note: " + LogText.line(message));
    }

    private synchronized void redraw() {
        if (!terminal || total == 0 || done >= total) {
            clearBar();
            return;
        }
        int filled = WIDTH * done / total;
        double secs = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "\r[%s%s] %d/%d shards done, %.0fs", "#".repeat(filled), "-".repeat(WIDTH - filled),
                done, total, secs);
        err.flush();
        barShown = true;
    }

    private void clearBar() {
        if (barShown) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
            barShown = false;
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        clearBar();
    }
}
