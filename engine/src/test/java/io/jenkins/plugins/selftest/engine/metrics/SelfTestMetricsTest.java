package io.jenkins.plugins.selftest.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelfTestMetricsTest {

    private static RunRecord run(int passed, int failed, int errors, double runtime, Optional<Double> coverage,
                                 int containerFailures, int timeouts) {
        return RunRecord.builder("r" + passed, Instant.EPOCH).tests(passed + failed + errors + 1, passed, failed, errors, 1)
                .runtimeSeconds(runtime).coverage(coverage, Optional.empty(), Optional.empty())
                .containers(containerFailures, timeouts).orphans(5, 2, 3).build();
    }

    @Test
    void exposesEveryMetricInTextFormat() {
        SelfTestMetrics m = new SelfTestMetrics();
        m.updateAll(List.of(run(10, 1, 1, 20, Optional.of(0.5), 1, 0), run(12, 0, 0, 40, Optional.empty(), 0, 2)));

        String text = m.scrapeText();

        assertThat(text).contains(
                "# TYPE self_test_passed_total counter", "self_test_passed_total 22.0",
                "self_test_failed_total 2.0",
                "self_test_skipped_total 2.0",
                "self_test_runs_total 2.0",
                "self_test_container_failures_total 1.0",
                "self_test_container_timeouts_total 2.0",
                "# TYPE self_test_average_runtime_seconds gauge", "self_test_average_runtime_seconds 30.0",
                "self_test_average_coverage 0.5",
                "self_test_last_passed 12.0",
                "self_test_last_failed 0.0",
                "self_test_last_runtime_seconds 40.0",
                "self_test_orphan_count 5.0", "self_test_orphan_covered 2.0", "self_test_orphan_uncovered 3.0");
    }

    @Test
    void averagesOverTheLastWindowOfRuns() {
        SelfTestMetrics m = new SelfTestMetrics();
        for (int i = 0; i < SelfTestMetrics.AVERAGE_WINDOW; i++) {
            m.update(run(1, 0, 0, 1000, Optional.of(0.0), 0, 0));
        }
        for (int i = 0; i < SelfTestMetrics.AVERAGE_WINDOW; i++) {
            m.update(run(1, 0, 0, 10, Optional.of(1.0), 0, 0));
        }
        assertThat(m.scrapeText()).contains("self_test_average_runtime_seconds 10.0", "self_test_average_coverage 1.0");
    }

    @Test
    void servesMetricsOverHttpUntilClosed() throws Exception {
        SelfTestMetrics m = new SelfTestMetrics();
        m.update(run(7, 1, 0, 3, Optional.of(0.9), 0, 0));
        HttpClient client = HttpClient.newHttpClient();
        URI uri;
        try (SelfTestMetrics.MetricsServer server = m.serve(0)) {
            uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("self_test_passed_total 7.0", "self_test_last_coverage 0.9");
            m.update(run(3, 0, 0, 3, Optional.of(0.9), 0, 0));
            assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("self_test_passed_total 10.0");
        }
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void busyPortIsAClearError() throws IOException {
        try (ServerSocket busy = new ServerSocket(0)) {
            assertThatThrownBy(() -> new SelfTestMetrics().serve(busy.getLocalPort()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("port " + busy.getLocalPort()).hasMessageContaining("--metrics-port");
        }
    }

    /** An IPv4 address of this machine that is not loopback (the endpoint must not answer there by default). */
    private static InetAddress nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(n -> {
                    try {
                        return n.isUp() && !n.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst().orElse(null);
    }

    private static boolean answers(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void listensOnLoopbackOnlyUnlessToldToBindElsewhere() throws Exception {
        InetAddress external = nonLoopbackAddress();
        assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
        SelfTestMetrics m = new SelfTestMetrics();
        try (SelfTestMetrics.MetricsServer server = m.serve(0)) {
            assertThat(answers(InetAddress.getLoopbackAddress(), server.port())).isTrue();
            assertThat(answers(external, server.port())).as("reached through " + external).isFalse();
        }
        try (SelfTestMetrics.MetricsServer server = m.serve("0.0.0.0", 0)) {
            assertThat(answers(external, server.port())).as("reached through " + external).isTrue();
        }
        try (SelfTestMetrics.MetricsServer server = m.serve(external.getHostAddress(), 0)) {
            assertThat(answers(external, server.port())).isTrue();
            assertThat(answers(InetAddress.getLoopbackAddress(), server.port())).isFalse();
        }
    }

    @Test
    void unknownBindAddressIsAClearError() {
        assertThatThrownBy(() -> new SelfTestMetrics().serve("no-such-host.invalid", 0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-host.invalid").hasMessageContaining("--metrics-bind");
    }
}
