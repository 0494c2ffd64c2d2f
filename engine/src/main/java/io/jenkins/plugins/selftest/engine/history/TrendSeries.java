package io.jenkins.plugins.selftest.engine.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The trend charts' data, one entry per run (oldest first), as the browser renderers
 * ({@code ui/selftest-ui.js}) read it. Coverage values are percentages (0-100), empty where not measured.
 */
public record TrendSeries(List<String> runIds, List<String> startedAt, List<Integer> passed, List<Integer> failed,
                          List<Integer> skipped, List<Optional<Double>> lineCoverage,
                          List<Optional<Double>> instructionCoverage, List<Optional<Double>> branchCoverage,
                          List<Double> runtimeSeconds, List<Boolean> complete) {

    public TrendSeries {
        runIds = List.copyOf(runIds);
        startedAt = List.copyOf(startedAt);
        passed = List.copyOf(passed);
        failed = List.copyOf(failed);
        skipped = List.copyOf(skipped);
        lineCoverage = List.copyOf(lineCoverage);
        instructionCoverage = List.copyOf(instructionCoverage);
        branchCoverage = List.copyOf(branchCoverage);
        runtimeSeconds = List.copyOf(runtimeSeconds);
        complete = List.copyOf(complete);
    }

    /** The last {@code maxPoints} records as series; {@code failed} counts failures and errors. */
    public static TrendSeries of(List<RunRecord> records, int maxPoints) {
        if (maxPoints <= 0) {
            throw new IllegalArgumentException("maxPoints must be positive, was " + maxPoints);
        }
        List<RunRecord> last = records.subList(Math.max(0, records.size() - maxPoints), records.size());
        List<String> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        List<Integer> passed = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        List<Optional<Double>> line = new ArrayList<>();
        List<Optional<Double>> instruction = new ArrayList<>();
        List<Optional<Double>> branch = new ArrayList<>();
        List<Double> runtime = new ArrayList<>();
        List<Boolean> complete = new ArrayList<>();
        for (RunRecord r : last) {
            ids.add(r.runId());
            times.add(r.startedAt().toString());
            passed.add(r.passed());
            failed.add(r.failed() + r.errors());
            skipped.add(r.skipped());
            line.add(r.lineCoverage().map(TrendSeries::percent));
            instruction.add(r.instructionCoverage().map(TrendSeries::percent));
            branch.add(r.branchCoverage().map(TrendSeries::percent));
            runtime.add(Math.round(r.runtimeSeconds() * 1000) / 1000.0);
            complete.add(r.complete());
        }
        return new TrendSeries(ids, times, passed, failed, skipped, line, instruction, branch, runtime, complete);
    }

    private static double percent(double ratio) {
        return Math.round(ratio * 10000) / 100.0;
    }

    public int size() {
        return runIds.size();
    }
}
