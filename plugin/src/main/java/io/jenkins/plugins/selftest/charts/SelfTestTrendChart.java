package io.jenkins.plugins.selftest.charts;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.TrendSeries;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job page's trend data: pass/fail/skip, coverage and runtime of a job's last builds with self-test results,
 * each point labelled with its build's display name and linked to its build.
 *
 * <p>Knows nothing of Jenkins: the points are given, oldest first, by whoever walked the builds (the job page's
 * action, through the plugin's one build-history walk), as coverage-plugin's trend charts are given their build
 * results. Immutable; thread-safe.
 */
public final class SelfTestTrendChart {

    /** Builds shown when the page does not ask for another number. */
    public static final int DEFAULT_BUILDS = 50;
    /** The most builds a chart shows. */
    public static final int MAX_BUILDS = 200;

    private final List<Point> points;

    /** The chart of {@code points}, oldest first; only the last {@value #MAX_BUILDS} are shown. */
    public SelfTestTrendChart(List<Point> points) {
        this.points = List.copyOf(points.subList(Math.max(0, points.size() - MAX_BUILDS), points.size()));
    }

    /** One build's point: label (display name), URL relative to Jenkins' root, record. */
    public record Point(String label, String url, RunRecord record) {
    }

    /**
     * The number of builds asked for in a query parameter: {@link #DEFAULT_BUILDS} when absent or not a number,
     * otherwise {@link #clamp clamped}.
     */
    public static int builds(String parameter) {
        if (parameter == null || parameter.isBlank()) {
            return DEFAULT_BUILDS;
        }
        try {
            return clamp(Integer.parseInt(parameter.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_BUILDS;
        }
    }

    /** {@code builds} within 1..{@value #MAX_BUILDS}. */
    public static int clamp(int builds) {
        return Math.max(1, Math.min(MAX_BUILDS, builds));
    }

    /** The points, oldest first. */
    public List<Point> points() {
        return points;
    }

    /** The records of the points, oldest first. */
    public List<RunRecord> records() {
        return points.stream().map(Point::record).toList();
    }

    /**
     * What the page's renderer reads ({@code SelfTestUI.renderTrends}): {@code trend} (the engine's
     * {@link TrendSeries}), {@code labels} and {@code urls} (relative to Jenkins' root), one per build.
     */
    public Map<String, Object> data() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("trend", TrendSeries.of(records(), MAX_BUILDS));
        data.put("labels", points.stream().map(Point::label).toList());
        data.put("urls", points.stream().map(Point::url).toList());
        return data;
    }

    /** {@link #data()} as JSON. */
    public String json() {
        return Json.write(data());
    }
}
