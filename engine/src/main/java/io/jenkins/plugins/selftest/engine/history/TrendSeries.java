package io.jenkins.plugins.selftest.engine.history;

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
        // TODO(4b): implementation
        return new TrendSeries(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    public int size() {
        return runIds.size();
    }
}
