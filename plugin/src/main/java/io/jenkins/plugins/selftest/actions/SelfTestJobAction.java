package io.jenkins.plugins.selftest.actions;

import hudson.model.Action;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.charts.SelfTestTrendChart;
import io.jenkins.plugins.selftest.charts.SelfTestTrendChart.Point;
import io.jenkins.plugins.selftest.restapi.PrometheusResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.StaplerProxy;

/**
 * "Self-test trends" on the job page: pass/fail/skip, coverage and runtime over the last builds
 * ({@code floatingBox.jelly} on the job's page, {@code index.jelly} at {@code .../selfTest/?builds=N}), and the
 * job's Prometheus metrics at {@code .../selfTest/prometheus}. Nothing here changes state; reading needs
 * {@link Item#READ} on the job. Not persisted: created from the last build's {@link SelfTestBuildAction}, one per
 * {@code selfTest} call of that build: {@code .../selfTest/} follows each build's first result, {@code .../selfTest-n/}
 * its n-th.
 *
 * <p>Cheap by construction: the trend and the metrics read only each build's record (kept in {@code build.xml}),
 * never a details file, and look at no more than {@value BuildHistory#TREND_LOOK_BACK_FACTOR} times as many builds
 * as they may show ({@link BuildHistory}).
 */
public class SelfTestJobAction implements Action, StaplerProxy {

    private final Job<?, ?> job;
    private final int index;

    /** The trends of each build's first result. */
    public SelfTestJobAction(Job<?, ?> job) {
        this(job, 1);
    }

    /** The trends of each build's {@code index}-th result (from 1). */
    public SelfTestJobAction(Job<?, ?> job, int index) {
        this.job = job;
        this.index = Math.max(index, 1);
    }

    /**
     * The trend of the last {@code builds} builds with this result ({@link SelfTestTrendChart#clamp clamped}),
     * oldest first.
     */
    SelfTestTrendChart chart(int builds) {
        int max = SelfTestTrendChart.clamp(builds);
        List<Point> points = new ArrayList<>(BuildHistory.of(job, getUrlName(), max * BuildHistory.TREND_LOOK_BACK_FACTOR)
                .limit(max).map(SelfTestJobAction::point).toList());
        Collections.reverse(points);
        return new SelfTestTrendChart(points);
    }

    private static Point point(SelfTestBuildAction result) {
        Run<?, ?> build = result.getRun();
        return new Point(build.getDisplayName(), build.getUrl(), result.getRecord());
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
        return chart(SelfTestTrendChart.DEFAULT_BUILDS).json();
    }

    /** The trend page's data for the {@code builds} query parameter (default 50, at most 200). */
    public String getTrendJson(String builds) {
        return chart(SelfTestTrendChart.builds(builds)).json();
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
        return PrometheusResponse.of(chart(SelfTestTrendChart.DEFAULT_BUILDS).records());
    }

    @Override
    public String getIconFileName() {
        return "/plugin/supervised-selftest/images/trends.svg";
    }

    @Override
    public String getDisplayName() {
        return index == 1 ? Messages.get("SelfTestJobAction.DisplayName")
                : Messages.get("SelfTestJobAction.DisplayNameNumbered", index);
    }

    /** The same as the build results it follows: {@code selfTest}, {@code selfTest-2}, ... */
    @Override
    public String getUrlName() {
        return index == 1 ? SelfTestBuildAction.URL_NAME : SelfTestBuildAction.URL_NAME + "-" + index;
    }
}
