package io.jenkins.plugins.selftest.engine.metrics;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import java.io.IOException;

/**
 * The self-test's Prometheus gauges (official Java client, own registry per instance). Thread-safe.
 */
public final class SelfTestMetrics {

    public SelfTestMetrics() {
        // TODO(4b): implementation
    }

    /** Records one finished run. */
    public synchronized void update(RunRecord r) {
        // TODO(4b): implementation
    }

    /** The gauges in Prometheus text exposition format 0.0.4. */
    public String scrapeText() {
        // TODO(4b): implementation
        return "";
    }

    /** Serves {@code /metrics} on {@code port} (0: any free port) until the returned handle is closed. */
    public AutoCloseable serve(int port) throws IOException {
        // TODO(4b): implementation
        return () -> { };
    }
}
