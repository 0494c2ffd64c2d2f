package io.jenkins.plugins.selftest.engine.shard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Packs tests into shards. Tests with a timing estimate go longest first, each to the shard with the least estimated
 * load (LPT scheduling, within 4/3 of the optimum, much closer for many small tests). Tests never timed are then spread
 * evenly by count: each goes to the shard with the fewest unseen tests, ties to the lighter shard. With no history at
 * all that is a round-robin by count.
 *
 * <p>{@code workers} is the total parallelism: every shard gets {@code workers / shards}, the heaviest shards one more
 * for the remainder, and never fewer than one (then the total exceeds {@code workers}, which the plan notes).
 * Stateless and thread-safe; the same inputs always give the same plan.
 */
public final class ShardPlanner {

    private ShardPlanner() {
    }

    /**
     * @throws IllegalArgumentException when shards or workers are below 1
     */
    public static ShardPlan plan(List<String> tests, TimingHistory timings, int shards, int workers) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, was " + shards);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        List<String> problems = new ArrayList<>();
        List<String> distinct = tests.stream().distinct().sorted().toList();
        int count = Math.max(1, Math.min(shards, distinct.size()));
        if (count < shards) {
            problems.add("only " + distinct.size() + " test(s) for " + shards + " shards: planned " + count + " shard(s)");
        }
        List<List<String>> members = new ArrayList<>();
        double[] load = new double[count];
        int[] unseen = new int[count];
        for (int i = 0; i < count; i++) {
            members.add(new ArrayList<>());
        }
        List<String> known = distinct.stream().filter(t -> timings.estimate(t).isPresent())
                .sorted(Comparator.comparingDouble((String t) -> timings.estimate(t).getAsDouble()).reversed()
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
        for (String t : known) {
            int target = 0;
            for (int i = 1; i < count; i++) {
                if (load[i] < load[target]) {
                    target = i;
                }
            }
            members.get(target).add(t);
            load[target] += timings.estimate(t).getAsDouble();
        }
        for (String t : distinct) {
            if (timings.estimate(t).isPresent()) {
                continue;
            }
            int target = 0;
            for (int i = 1; i < count; i++) {
                if (unseen[i] < unseen[target] || (unseen[i] == unseen[target] && load[i] < load[target])) {
                    target = i;
                }
            }
            members.get(target).add(t);
            unseen[target]++;
        }
        int[] share = divideWorkers(workers, load);
        if (workers < count) {
            problems.add(workers + " worker(s) for " + count + " shards: every shard gets one, " + count + " in total");
        }
        List<ShardPlan.Shard> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            result.add(new ShardPlan.Shard(i, members.get(i), share[i], load[i], unseen[i]));
        }
        return new ShardPlan(result, workers, problems);
    }

    /**
     * Divides {@code workers} over shards with these loads: an equal share each, the remainder to the heaviest
     * shards, at least one each.
     */
    static int[] divideWorkers(int workers, double[] load) {
        int n = load.length;
        int[] share = new int[n];
        int base = workers / n;
        int rest = workers % n;
        Integer[] byLoad = new Integer[n];
        for (int i = 0; i < n; i++) {
            byLoad[i] = i;
            share[i] = Math.max(1, base);
        }
        java.util.Arrays.sort(byLoad, Comparator.comparingDouble((Integer i) -> load[i]).reversed()
                .thenComparing(Comparator.naturalOrder()));
        if (base >= 1) {
            for (int k = 0; k < rest; k++) {
                share[byLoad[k]]++;
            }
        }
        return share;
    }
}
