package io.jenkins.plugins.selftest.engine.shard;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * How a test suite is split: one {@link Shard} per container or process, each with its tests and its share of the
 * workers. Immutable and JSON-serialisable ({@link #toJson()}, {@link #fromJson(String)}): the Jenkins
 * {@code selfTestPlan} step returns it to a Pipeline, and each shard can then be run on its own, on another agent,
 * from nothing but this plan and its index. Java-serializable as it is: the answer of the agent's plan call.
 *
 * @param shards   the shards, index 0..n-1 in order; never empty tests (a plan never holds an empty shard)
 * @param workers  the total parallelism asked for
 * @param problems notes on the plan (fewer shards than asked because there are fewer tests, more workers than
 *                 asked because every shard needs one)
 */
public record ShardPlan(List<Shard> shards, int workers, List<String> problems) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    public ShardPlan {
        shards = List.copyOf(shards);
        problems = List.copyOf(problems);
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).index() != i) {
                throw new IllegalArgumentException("shard " + i + " has index " + shards.get(i).index());
            }
        }
    }

    /**
     * One shard.
     *
     * @param index            0-based
     * @param tests            test ids, longest first as planned
     * @param workers          parallelism inside the shard (Surefire forkCount, pytest -n), at least 1
     * @param estimatedSeconds the sum of the known estimates of its tests
     * @param unseenTests      how many of its tests had no timing yet
     */
    public record Shard(int index, List<String> tests, int workers, double estimatedSeconds, int unseenTests)
            implements Serializable {

        @Serial
        private static final long serialVersionUID = 1L;

        public Shard {
            tests = List.copyOf(tests);
            if (workers < 1) {
                throw new IllegalArgumentException("shard " + index + " needs at least one worker, has " + workers);
            }
        }
    }

    /** This plan with one more note. */
    public ShardPlan withProblem(String problem) {
        List<String> all = new java.util.ArrayList<>(problems);
        all.add(problem);
        return new ShardPlan(shards, workers, all);
    }

    public int shardCount() {
        return shards.size();
    }

    /** The shard with this index, with a message naming the valid range otherwise. */
    public Shard shard(int index) {
        if (index < 0 || index >= shards.size()) {
            throw new IllegalArgumentException("no shard " + index + " in this plan: it has shards 0.." + (shards.size() - 1));
        }
        return shards.get(index);
    }

    /** All test ids of all shards. */
    public List<String> allTests() {
        return shards.stream().flatMap(s -> s.tests().stream()).toList();
    }

    /** The estimated makespan: the longest shard's estimate. */
    public double estimatedMakespanSeconds() {
        return shards.stream().mapToDouble(Shard::estimatedSeconds).max().orElse(0);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static ShardPlan fromJson(String json) {
        return Json.read(json, ShardPlan.class);
    }

    public void write(Path file) throws IOException {
        Json.writeAtomically(file, this);
    }

    public static ShardPlan read(Path file) throws IOException {
        return Json.read(file, ShardPlan.class);
    }
}
