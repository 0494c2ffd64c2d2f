package io.jenkins.plugins.selftest.charts;

import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.selftest.actions.SelfTestBuildAction;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.TrendSeries;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job page's trend data: pass/fail/skip, coverage and runtime of the job's last builds with self-test results,
 * each point labelled with its build's display name and linked to its build.
 *
 * <p>Cheap by construction: it reads only each build's {@link RunRecord} (kept in {@code build.xml}), never the
 * details file, and looks at no more than {@value #LOOK_BACK_FACTOR} times as many builds as it may show, so builds
 * without results (aborted early, other branches of the Jenkinsfile) cannot make it walk the whole history.
 * Follows one {@code selfTest} call of the builds, by its URL name ({@code selfTest}, {@code selfTest-2}, ...).
 * Stateless; safe from any thread that may read the job's builds.
 */
public final class SelfTestTrendChart {

    /** Builds shown when the page does not ask for another number. */
    public static final int DEFAULT_BUILDS = 50;
    /** The most builds a chart shows. */
    public static final int MAX_BUILDS = 200;
    /** Builds looked at per build shown, at most. */
    public static final int LOOK_BACK_FACTOR = 2;

    private final Job<?, ?> job;
    private final String urlName;

    /** The trend of each build's first result. */
    public SelfTestTrendChart(Job<?, ?> job) {
        this(job, SelfTestBuildAction.URL_NAME);
    }

    /** The trend of the results named {@code urlName} ({@link SelfTestBuildAction#getUrlName()}). */
    public SelfTestTrendChart(Job<?, ?> job, String urlName) {
        this.job = job;
        this.urlName = urlName;
    }

    /** One build's point: label (display name), URL relative to Jenkins' root, record. */
    public record Point(String label, String url, RunRecord record) {
    }

    /**
     * The number of builds asked for in a query parameter: {@link #DEFAULT_BUILDS} when absent or not a number,
     * otherwise clamped to 1..{@link #MAX_BUILDS}.
     */
    public static int builds(String parameter) {
        if (parameter == null || parameter.isBlank()) {
            return DEFAULT_BUILDS;
        }
        try {
            return Math.max(1, Math.min(MAX_BUILDS, Integer.parseInt(parameter.trim())));
        } catch (NumberFormatException e) {
            return DEFAULT_BUILDS;
        }
    }

    /** The points of the last {@code builds} builds with results (clamped to {@link #MAX_BUILDS}), oldest first. */
    public List<Point> points(int builds) {
        int max = Math.max(1, Math.min(MAX_BUILDS, builds));
        List<Point> points = new ArrayList<>();
        int looked = 0;
        for (Run<?, ?> run = job.getLastBuild(); run != null && points.size() < max && looked < max * LOOK_BACK_FACTOR;
                run = run.getPreviousBuild()) {
            looked++;
            Run<?, ?> build = run;
            SelfTestBuildAction.of(build, urlName)
                    .ifPresent(a -> points.add(new Point(build.getDisplayName(), build.getUrl(), a.getRecord())));
        }
        Collections.reverse(points);
        return points;
    }

    /** The records of {@link #points(int)}, oldest first. */
    public List<RunRecord> records(int builds) {
        return points(builds).stream().map(Point::record).toList();
    }

    /**
     * What the page's renderer reads ({@code SelfTestUI.renderTrends}): {@code trend} (the engine's
     * {@link TrendSeries}), {@code labels} and {@code urls} (relative to Jenkins' root), one per build.
     */
    public Map<String, Object> data(int builds) {
        List<Point> points = points(builds);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("trend", TrendSeries.of(points.stream().map(Point::record).toList(), MAX_BUILDS));
        data.put("labels", points.stream().map(Point::label).toList());
        data.put("urls", points.stream().map(Point::url).toList());
        return data;
    }

    /** {@link #data(int)} as JSON. */
    public String json(int builds) {
        return Json.write(data(builds));
    }
}
