package io.jenkins.plugins.selftest.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ShardPlannerTest {

    private static List<String> tests(int n) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add(String.format("com.example.T%02dTest", i));
        }
        return t;
    }

    @Test
    void withoutHistorySpreadsTestsEvenlyByCount() {
        ShardPlan plan = ShardPlanner.plan(tests(10), TimingHistory.EMPTY, 3, 3);

        assertThat(plan.shards()).extracting(s -> s.tests().size()).containsExactly(4, 3, 3);
        assertThat(plan.allTests()).containsExactlyInAnyOrderElementsOf(tests(10));
        assertThat(plan.shards()).allSatisfy(s -> assertThat(s.unseenTests()).isEqualTo(s.tests().size()));
    }

    @Test
    void withHistoryPacksLongestFirstIntoBalancedShards() {
        Map<String, Double> durations = Map.of("A", 10.0, "B", 6.0, "C", 4.0, "D", 5.0, "E", 5.0);
        TimingHistory h = TimingHistory.of(List.of(new TimingHistory.PastRun(durations, true)));

        ShardPlan plan = ShardPlanner.plan(List.copyOf(durations.keySet()), h, 2, 2);

        assertThat(plan.shards()).extracting(ShardPlan.Shard::estimatedSeconds).containsExactlyInAnyOrder(15.0, 15.0);
        assertThat(plan.shard(0).tests().get(0)).isEqualTo("A");
        assertThat(plan.estimatedMakespanSeconds()).isEqualTo(15.0);
    }

    @Test
    void unseenTestsAreSpreadEvenlyAlongsideTimedOnes() {
        TimingHistory h = TimingHistory.of(List.of(new TimingHistory.PastRun(Map.of("Slow", 30.0, "Fast", 1.0), true)));

        ShardPlan plan = ShardPlanner.plan(List.of("Slow", "Fast", "New1", "New2", "New3", "New4"), h, 2, 2);

        assertThat(plan.shards()).extracting(ShardPlan.Shard::unseenTests).containsExactly(2, 2);
        assertThat(plan.shard(0).tests()).contains("Slow");
    }

    @Test
    void partialEarlierRunDoesNotSkewThePlan() {
        // run 1 and 2 complete; run 3 was aborted while A ran (A looks short) and B never ran
        TimingHistory h = TimingHistory.of(List.of(
                new TimingHistory.PastRun(Map.of("A", 20.0, "B", 10.0, "C", 10.0), true),
                new TimingHistory.PastRun(Map.of("A", 20.0, "B", 10.0, "C", 10.0), true),
                new TimingHistory.PastRun(Map.of("A", 0.5, "C", 10.0), false)));

        ShardPlan plan = ShardPlanner.plan(List.of("A", "B", "C"), h, 2, 2);

        assertThat(plan.shards()).extracting(ShardPlan.Shard::tests)
                .containsExactlyInAnyOrder(List.of("A"), List.of("B", "C"));
    }

    @Test
    void fewerTestsThanShardsGivesNoEmptyShard() {
        ShardPlan plan = ShardPlanner.plan(List.of("A", "B"), TimingHistory.EMPTY, 4, 8);

        assertThat(plan.shardCount()).isEqualTo(2);
        assertThat(plan.shards()).allSatisfy(s -> assertThat(s.tests()).isNotEmpty());
        assertThat(plan.shards()).extracting(ShardPlan.Shard::workers).containsExactly(4, 4);
        assertThat(plan.problems()).anyMatch(p -> p.contains("planned 2 shard"));
    }

    @ParameterizedTest(name = "{0} workers over {1} shards -> {2}")
    @CsvSource({"8, 4, 2 2 2 2", "5, 2, 3 2", "7, 3, 3 2 2", "2, 4, 1 1 1 1", "1, 1, 1"})
    void workersAreDividedOverShardsEachAtLeastOne(int workers, int shards, String expected) {
        double[] load = new double[shards];
        for (int i = 0; i < shards; i++) {
            load[i] = shards - i; // shard 0 heaviest
        }
        int[] share = ShardPlanner.divideWorkers(workers, load);
        assertThat(share).containsExactly(java.util.Arrays.stream(expected.split(" ")).mapToInt(Integer::parseInt).toArray());
    }

    @Test
    void extraWorkerGoesToTheHeaviestShard() {
        TimingHistory h = TimingHistory.of(List.of(new TimingHistory.PastRun(Map.of("A", 1.0, "B", 9.0), true)));
        ShardPlan plan = ShardPlanner.plan(List.of("A", "B"), h, 2, 3);
        assertThat(plan.shards()).filteredOn(s -> s.tests().contains("B")).extracting(ShardPlan.Shard::workers).containsExactly(2);
        assertThat(plan.problems()).isEmpty();
    }

    @Test
    void tooFewWorkersIsNoted() {
        ShardPlan plan = ShardPlanner.plan(tests(4), TimingHistory.EMPTY, 4, 2);
        assertThat(plan.shards()).extracting(ShardPlan.Shard::workers).containsOnly(1);
        assertThat(plan.problems()).anyMatch(p -> p.contains("2 worker(s) for 4 shards"));
    }

    @Test
    void rejectsNonPositiveShardsAndWorkers() {
        assertThatThrownBy(() -> ShardPlanner.plan(tests(2), TimingHistory.EMPTY, 0, 1)).hasMessageContaining("shards");
        assertThatThrownBy(() -> ShardPlanner.plan(tests(2), TimingHistory.EMPTY, 1, 0)).hasMessageContaining("workers");
    }

    @Test
    void planRoundTripsThroughJsonAndEachShardCanBeTakenAlone() {
        TimingHistory h = TimingHistory.of(List.of(new TimingHistory.PastRun(Map.of("A", 3.0, "B", 2.0), true)));
        ShardPlan plan = ShardPlanner.plan(List.of("A", "B", "C"), h, 2, 4);

        ShardPlan back = ShardPlan.fromJson(plan.toJson());

        assertThat(back).isEqualTo(plan);
        assertThat(back.shard(1).tests()).isEqualTo(plan.shard(1).tests());
        assertThatThrownBy(() -> back.shard(2)).hasMessageContaining("0..1");
    }

    @Test
    void realisticSuiteIsWithinFivePercentOfTheLowerBound() {
        java.util.Random r = new java.util.Random(42);
        List<String> names = tests(600);
        java.util.Map<String, Double> d = new java.util.HashMap<>();
        names.forEach(n -> d.put(n, Math.exp(r.nextGaussian() * 1.2)));
        TimingHistory h = TimingHistory.of(List.of(new TimingHistory.PastRun(d, true)));
        ShardPlan plan = ShardPlanner.plan(names, h, 4, 8);
        double sum = d.values().stream().mapToDouble(Double::doubleValue).sum();
        double bound = Math.max(sum / 4, d.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        assertThat(plan.estimatedMakespanSeconds() / bound).isLessThanOrEqualTo(1.05);
    }
}
