package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.metrics.SelfTestMetrics;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code selftest run-scheduled}: one run per interval, each appended to the history, metrics served throughout.
 * Ctrl-C (SIGINT) or SIGTERM stops it cleanly: the running cycle's shards are stopped, its containers removed, and
 * the command returns once that is done.
 */
@Command(name = "run-scheduled", mixinStandardHelpOptions = true,
        description = "Run the test suite once per interval, appending each cycle to the history, until stopped (Ctrl-C).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped, last cycle passed", "1:stopped, last cycle had failures", "2:usage or setup error"})
final class RunScheduledCommand implements Callable<Integer> {

    @Mixin
    RunOptions run;

    @Option(names = "--interval", required = true, converter = DurationConverter.class,
            description = "Time between the starts of two cycles (3600, 90s, 20m, 1h). A cycle longer than that is "
                    + "followed at once by the next.")
    Duration interval;

    @Option(names = "--max-cycles", description = "Stop after this many cycles (default: run until stopped).")
    Integer maxCycles;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        SelfTestOptions options;
        try {
            options = run.toOptions(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("selftest run-scheduled: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
        if (interval.isNegative() || interval.isZero()) {
            System.err.println("selftest run-scheduled: --interval must be positive");
            return SelftestCommand.EXIT_USAGE;
        }
        SelfTestMetrics metrics = new SelfTestMetrics();
        AutoCloseable server;
        try {
            server = run.serveMetrics(metrics);
        } catch (IOException e) {
            System.err.println("selftest run-scheduled: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
        Thread worker = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stopping = true;
            worker.interrupt();
            try {
                // let the cycle stop its shards and remove its containers before the JVM goes
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "selftest-run-scheduled-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int last = 0;
        try (server) {
            for (int cycle = 1; !stopping && (maxCycles == null || cycle <= maxCycles); cycle++) {
                long start = System.nanoTime();
                System.err.printf(Locale.ROOT, "run-scheduled: cycle %d%n", cycle);
                last = RunCommand.runOnce(options, metrics, System.out, System.err);
                if (last == SelftestCommand.EXIT_USAGE || stopping) {
                    break;
                }
                if (maxCycles != null && cycle >= maxCycles) {
                    break;
                }
                long waitMs = interval.toMillis() - (System.nanoTime() - start) / 1_000_000;
                if (waitMs > 0) {
                    try {
                        Thread.sleep(waitMs);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
            }
        } finally {
            if (stopping) {
                System.err.println("run-scheduled: stopped");
            }
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
            Thread.interrupted();
        }
        return last;
    }
}
