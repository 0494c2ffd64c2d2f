package io.jenkins.plugins.selftest.engine.history;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One self-test run as kept in the history file (one JSON line per run). Coverage figures are ratios in [0, 1].
 * Immutable; build it with {@link #builder(String, Instant)}.
 *
 * @param complete       false when the run was aborted or only partly ran (a shard errored or timed out); shard
 *                       planning then discounts its {@code classDurations}
 * @param classDurations summed test seconds per test class, for shard planning; the builder bounds it
 *                       ({@link #MAX_CLASS_DURATIONS}) so a history line stays within {@link RunHistory#MAX_LINE_BYTES}
 */
public record RunRecord(String runId, Instant startedAt, double runtimeSeconds, boolean complete,
                        int total, int passed, int failed, int errors, int skipped,
                        Optional<Double> lineCoverage, Optional<Double> instructionCoverage,
                        Optional<Double> branchCoverage,
                        List<ShardRecord> shards, int orphanTotal, int orphanCovered, int orphanUncovered,
                        int containerFailures, int containerTimeouts, Map<String, Double> classDurations) {

    public RunRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(startedAt, "startedAt");
        lineCoverage = Objects.requireNonNullElse(lineCoverage, Optional.empty());
        instructionCoverage = Objects.requireNonNullElse(instructionCoverage, Optional.empty());
        branchCoverage = Objects.requireNonNullElse(branchCoverage, Optional.empty());
        shards = shards == null ? List.of() : List.copyOf(shards);
        classDurations = classDurations == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(classDurations));
    }

    /** Upper bound of the classes whose durations a record keeps (shard planning needs the long ones). */
    public static final int MAX_CLASS_DURATIONS = 4000;
    /** Longer class names (no real class has one) are not kept in the durations. */
    public static final int MAX_CLASS_NAME_CHARS = 200;

    public static Builder builder(String runId, Instant startedAt) {
        return new Builder(runId, startedAt);
    }

    /** Builder for the wide record; every field but id and start time has a neutral default. */
    public static final class Builder {
        private final String runId;
        private final Instant startedAt;
        private double runtimeSeconds;
        private boolean complete = true;
        private int total;
        private int passed;
        private int failed;
        private int errors;
        private int skipped;
        private Optional<Double> lineCoverage = Optional.empty();
        private Optional<Double> instructionCoverage = Optional.empty();
        private Optional<Double> branchCoverage = Optional.empty();
        private List<ShardRecord> shards = List.of();
        private int orphanTotal;
        private int orphanCovered;
        private int orphanUncovered;
        private int containerFailures;
        private int containerTimeouts;
        private Map<String, Double> classDurations = Map.of();

        private Builder(String runId, Instant startedAt) {
            this.runId = runId;
            this.startedAt = startedAt;
        }

        public Builder runtimeSeconds(double v) { this.runtimeSeconds = v; return this; }
        public Builder complete(boolean v) { this.complete = v; return this; }

        /** Sets total, passed, failed, errors and skipped at once. */
        public Builder tests(int total, int passed, int failed, int errors, int skipped) {
            this.total = total;
            this.passed = passed;
            this.failed = failed;
            this.errors = errors;
            this.skipped = skipped;
            return this;
        }

        /** Sets the coverage ratios; empty when coverage was not measured. */
        public Builder coverage(Optional<Double> line, Optional<Double> instruction, Optional<Double> branch) {
            this.lineCoverage = line;
            this.instructionCoverage = instruction;
            this.branchCoverage = branch;
            return this;
        }

        public Builder shards(List<ShardRecord> v) { this.shards = v; return this; }

        public Builder orphans(int total, int covered, int uncovered) {
            this.orphanTotal = total;
            this.orphanCovered = covered;
            this.orphanUncovered = uncovered;
            return this;
        }

        public Builder containers(int failures, int timeouts) {
            this.containerFailures = failures;
            this.containerTimeouts = timeouts;
            return this;
        }

        /**
         * Sets the class durations, bounded so a history line stays small: at most {@link #MAX_CLASS_DURATIONS}
         * classes (the longest ones, in their given order), names of at most {@link #MAX_CLASS_NAME_CHARS}.
         */
        public Builder classDurations(Map<String, Double> v) {
            Map<String, Double> named = new LinkedHashMap<>(v);
            named.keySet().removeIf(k -> k.length() > MAX_CLASS_NAME_CHARS);
            if (named.size() > MAX_CLASS_DURATIONS) {
                Set<String> longest = named.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .limit(MAX_CLASS_DURATIONS).map(Map.Entry::getKey).collect(Collectors.toSet());
                named.keySet().retainAll(longest);
            }
            this.classDurations = named;
            return this;
        }

        public RunRecord build() {
            return new RunRecord(runId, startedAt, runtimeSeconds, complete, total, passed, failed, errors, skipped,
                    lineCoverage, instructionCoverage, branchCoverage, shards, orphanTotal, orphanCovered,
                    orphanUncovered, containerFailures, containerTimeouts, classDurations);
        }
    }
}
