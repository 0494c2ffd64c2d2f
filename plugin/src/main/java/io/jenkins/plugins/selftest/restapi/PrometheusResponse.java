package io.jenkins.plugins.selftest.restapi;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.metrics.SelfTestMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.StaplerRequest;
import org.kohsuke.stapler.StaplerResponse;

/**
 * A job's self-test metrics in Prometheus text format 0.0.4, computed by the engine's {@link SelfTestMetrics} from
 * the records of the job's recent builds: the {@code self_test_last_*} and orphan gauges describe the last build with
 * results, the averages its last {@value SelfTestMetrics#AVERAGE_WINDOW} builds, and the {@code *_total} counters
 * sum the builds given (so they can fall when old builds are discarded). Immutable.
 */
public final class PrometheusResponse implements HttpResponse {

    /** The content type Prometheus expects of the text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final String text;

    private PrometheusResponse(String text) {
        this.text = text;
    }

    /** The metrics of {@code records}, oldest first. */
    public static PrometheusResponse of(List<RunRecord> records) {
        SelfTestMetrics metrics = new SelfTestMetrics();
        metrics.updateAll(records);
        return new PrometheusResponse(metrics.scrapeText());
    }

    public String text() {
        return text;
    }

    @Override
    public void generateResponse(StaplerRequest req, StaplerResponse rsp, Object node) throws IOException {
        rsp.setContentType(CONTENT_TYPE);
        rsp.setHeader("Cache-Control", "no-cache");
        PrintWriter w = rsp.getWriter();
        w.write(text);
        w.flush();
    }
}
