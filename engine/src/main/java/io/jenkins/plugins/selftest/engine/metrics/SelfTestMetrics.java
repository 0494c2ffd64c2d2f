package io.jenkins.plugins.selftest.engine.metrics;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The self-test's Prometheus metrics, with the official Java client and a registry of its own per instance.
 *
 * <p>The client follows OpenMetrics naming and refuses a gauge whose name ends in {@code _total}; so the original
 * tool's {@code *_total} figures are <em>counters</em> summed over every run recorded here (the Prometheus meaning
 * of {@code _total}), and the last run's own figures are gauges:
 * <ul>
 *   <li>counters {@code self_test_passed_total}, {@code self_test_failed_total} (failures + errors),
 *       {@code self_test_skipped_total}, {@code self_test_runs_total}, {@code self_test_container_failures_total},
 *       {@code self_test_container_timeouts_total};</li>
 *   <li>gauges {@code self_test_average_runtime_seconds} and {@code self_test_average_coverage} (line coverage
 *       ratio 0-1) over the last {@value #AVERAGE_WINDOW} runs (coverage: those that measured it);</li>
 *   <li>gauges of the last run: {@code self_test_last_passed}, {@code self_test_last_failed},
 *       {@code self_test_last_skipped}, {@code self_test_last_runtime_seconds}, {@code self_test_last_coverage},
 *       {@code self_test_orphan_count}, {@code self_test_orphan_covered}, {@code self_test_orphan_uncovered}.</li>
 * </ul>
 *
 * <p>Thread-safe: updates are serialized, scrapes read the client's thread-safe metrics.
 */
public final class SelfTestMetrics {

    /** Runs the averages are taken over. */
    public static final int AVERAGE_WINDOW = 20;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter passed = counter("self_test_passed", "Tests passed, summed over all recorded runs.");
    private final Counter failed = counter("self_test_failed", "Tests failed or errored, summed over all recorded runs.");
    private final Counter skipped = counter("self_test_skipped", "Tests skipped, summed over all recorded runs.");
    private final Counter runs = counter("self_test_runs", "Self-test runs recorded.");
    private final Counter containerFailures = counter("self_test_container_failures",
            "Shard containers that could not be started, listed or removed, summed over all recorded runs.");
    private final Counter containerTimeouts = counter("self_test_container_timeouts",
            "Shard containers killed by the shard timeout, summed over all recorded runs.");
    private final Gauge averageRuntime = gauge("self_test_average_runtime_seconds",
            "Average wall time of the last " + AVERAGE_WINDOW + " runs, in seconds.");
    private final Gauge averageCoverage = gauge("self_test_average_coverage",
            "Average line coverage ratio (0-1) of the last " + AVERAGE_WINDOW + " runs that measured coverage.");
    private final Gauge lastPassed = gauge("self_test_last_passed", "Tests passed in the last run.");
    private final Gauge lastFailed = gauge("self_test_last_failed", "Tests failed or errored in the last run.");
    private final Gauge lastSkipped = gauge("self_test_last_skipped", "Tests skipped in the last run.");
    private final Gauge lastRuntime = gauge("self_test_last_runtime_seconds", "Wall time of the last run, in seconds.");
    private final Gauge lastCoverage = gauge("self_test_last_coverage", "Line coverage ratio (0-1) of the last run.");
    private final Gauge orphanCount = gauge("self_test_orphan_count", "Orphan classes found by the last run.");
    private final Gauge orphanCovered = gauge("self_test_orphan_covered",
            "Orphan classes of the last run that were still covered indirectly.");
    private final Gauge orphanUncovered = gauge("self_test_orphan_uncovered",
            "Orphan classes of the last run that nothing covered.");

    private final Deque<Double> runtimes = new ArrayDeque<>();
    private final Deque<Double> coverages = new ArrayDeque<>();

    private Counter counter(String name, String help) {
        return Counter.builder().name(name).help(help).register(registry);
    }

    private Gauge gauge(String name, String help) {
        return Gauge.builder().name(name).help(help).register(registry);
    }

    /** Records every run of {@code history}, oldest first (to seed the metrics from the history file). */
    public synchronized void updateAll(List<RunRecord> history) {
        history.forEach(this::update);
    }

    /** Records one finished run. */
    public synchronized void update(RunRecord r) {
        passed.inc(r.passed());
        failed.inc((long) r.failed() + r.errors());
        skipped.inc(r.skipped());
        runs.inc();
        containerFailures.inc(r.containerFailures());
        containerTimeouts.inc(r.containerTimeouts());

        push(runtimes, r.runtimeSeconds());
        averageRuntime.set(average(runtimes));
        r.lineCoverage().ifPresent(c -> {
            push(coverages, c);
            averageCoverage.set(average(coverages));
        });

        lastPassed.set(r.passed());
        lastFailed.set((double) r.failed() + r.errors());
        lastSkipped.set(r.skipped());
        lastRuntime.set(r.runtimeSeconds());
        lastCoverage.set(r.lineCoverage().orElse(0.0));
        orphanCount.set(r.orphanTotal());
        orphanCovered.set(r.orphanCovered());
        orphanUncovered.set(r.orphanUncovered());
    }

    private static void push(Deque<Double> window, double value) {
        window.addLast(value);
        if (window.size() > AVERAGE_WINDOW) {
            window.removeFirst();
        }
    }

    private static double average(Deque<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** The metrics in Prometheus text exposition format 0.0.4. */
    public String scrapeText() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to memory", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The address the endpoint binds to unless told otherwise: this machine only (the endpoint has no authentication). */
    public static final String DEFAULT_BIND = "127.0.0.1";

    /**
     * Serves the metrics on {@code http://127.0.0.1:port/metrics} (0: a free port, see {@link MetricsServer#port()})
     * until the returned handle is closed.
     *
     * @throws IOException when the port cannot be bound (naming the port)
     */
    public MetricsServer serve(int port) throws IOException {
        return serve(DEFAULT_BIND, port);
    }

    /**
     * Serves the metrics on {@code http://bindAddress:port/metrics} until the returned handle is closed. The endpoint
     * has no authentication: bind to anything but loopback ({@code 0.0.0.0}, a host's address) only where every
     * client that reaches it may read the figures.
     *
     * @param bindAddress an IP address or host name of this machine ({@code 0.0.0.0}: every interface)
     * @throws IOException when the address is unknown or the port cannot be bound (naming both)
     */
    public MetricsServer serve(String bindAddress, int port) throws IOException {
        InetAddress address;
        try {
            address = InetAddress.getByName(bindAddress);
        } catch (UnknownHostException e) {
            throw new IOException("cannot serve metrics on " + bindAddress + ": unknown address"
                    + " - give an address of this machine with --metrics-bind", e);
        }
        try {
            return new MetricsServer(HTTPServer.builder().inetAddress(address).port(port).registry(registry).buildAndStart());
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + bindAddress + " port " + port + ": " + e.getMessage()
                    + " - choose a free port with --metrics-port or another address with --metrics-bind", e);
        }
    }

    /** A running metrics endpoint; {@link #close()} stops it. */
    public static final class MetricsServer implements AutoCloseable {
        private final HTTPServer server;

        private MetricsServer(HTTPServer server) {
            this.server = server;
        }

        public int port() {
            return server.getPort();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
