package io.jenkins.plugins.selftest.actions;

import hudson.model.Action;
import hudson.model.Item;
import hudson.model.Job;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.charts.SelfTestTrendChart;
import io.jenkins.plugins.selftest.restapi.PrometheusResponse;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.StaplerProxy;

/**
 * "Self-test trends" on the job page: pass/fail/skip, coverage and runtime over the last builds
 * ({@code floatingBox.jelly} on the job's page, {@code index.jelly} at {@code .../selfTest/?builds=N}), and the
 * job's Prometheus metrics at {@code .../selfTest/prometheus}. Nothing here changes state; reading needs
 * {@link Item#READ} on the job. Not persisted: created from the last build's {@link SelfTestBuildAction}.
 */
public class SelfTestJobAction implements Action, StaplerProxy {

    private final Job<?, ?> job;

    public SelfTestJobAction(Job<?, ?> job) {
        this.job = job;
    }

    public Job<?, ?> getJob() {
        return job;
    }

    @Override
    public Object getTarget() {
        job.checkPermission(Item.READ);
        return this;
    }

    /** The floating box's data: the last {@value SelfTestTrendChart#DEFAULT_BUILDS} builds with results. */
    public String getTrendJson() {
        return new SelfTestTrendChart(job).json(SelfTestTrendChart.DEFAULT_BUILDS);
    }

    /** The trend page's data for the {@code builds} query parameter (default 50, at most 200). */
    public String getTrendJson(String builds) {
        return new SelfTestTrendChart(job).json(SelfTestTrendChart.builds(builds));
    }

    /** The builds the trend page shows for the {@code builds} query parameter. */
    public int getBuilds(String builds) {
        return SelfTestTrendChart.builds(builds);
    }

    /**
     * {@code .../selfTest/prometheus}: the engine's gauges for the last build with results (and averages and sums
     * over the last {@value SelfTestTrendChart#DEFAULT_BUILDS}), in Prometheus text format. Read-only.
     */
    public HttpResponse doPrometheus() {
        job.checkPermission(Item.READ);
        return PrometheusResponse.of(new SelfTestTrendChart(job).records(SelfTestTrendChart.DEFAULT_BUILDS));
    }

    @Override
    public String getIconFileName() {
        return "/plugin/supervised-selftest/images/trends.svg";
    }

    @Override
    public String getDisplayName() {
        return Messages.get("SelfTestJobAction.DisplayName");
    }

    @Override
    public String getUrlName() {
        return "selfTest";
    }
}
