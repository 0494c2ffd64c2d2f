package io.jenkins.plugins.selftest.bench;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.run.Framework;
import io.jenkins.plugins.selftest.engine.run.RunListener;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.run.SelfTestRun;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.engine.shard.ShardPlanner;
import io.jenkins.plugins.selftest.engine.shard.TimingHistory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar bench/target/bench.jar selftest [example-dir]}: one JSON line with
 * <ul>
 *   <li>{@code balance_ratio}: planned makespan over the lower bound max(sum / shards, longest class) for the
 *       640-class timing set in {@code selftest/timings-640.json}, 8 shards (also 2, 4 and 16 shards);</li>
 *   <li>{@code speedup_2_shards}: the example suite (examples/calculator), 1 shard vs 2 shards as local processes,
 *       the 2-shard run planned from the 1-shard run's timings, in the same invocation;</li>
 *   <li>{@code container_overhead_ms} vs {@code bare_podman_ms}: median of 5 interleaved shard starts of a no-op
 *       shard through {@link SelfTestRun} (labels, mounts, --rm, tests file, result gathering) against a bare
 *       {@code podman run --rm} of the same image with the same mounts;</li>
 *   <li>the coverage figures of {@link CoverageBench} (coverage_ms, jacoco_cli_ms).</li>
 * </ul>
 * A part that cannot run here (no podman, no example) reports {@code null} and a {@code *_skipped} reason.
 */
public final class SelfTestBench {

    private static final int CONTAINER_RUNS = 5;

    private SelfTestBench() {
    }

    public static void main(String[] args) throws Exception {
        Path example = args.length > 1 ? Path.of(args[1]) : Path.of("examples", "calculator");
        Path work = Files.createTempDirectory("selftest-bench");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("bench", "selftest");
        figures.putAll(balance());
        figures.putAll(speedup(example.toAbsolutePath().normalize(), work.resolve("speedup")));
        figures.putAll(containerOverhead(work.resolve("container")));
        try {
            figures.putAll(CoverageBench.run(work.resolve("coverage")));
        } catch (Exception e) {
            figures.put("coverage_skipped", String.valueOf(e.getMessage()));
        }
        System.out.println(Json.write(figures));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> balance() throws IOException {
        Map<String, Object> fixture;
        try (InputStream in = SelfTestBench.class.getResourceAsStream("/selftest/timings-640.json")) {
            fixture = Json.read(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), Map.class);
        }
        Map<String, Double> durations = new LinkedHashMap<>();
        ((Map<String, Object>) fixture.get("classDurations")).forEach((k, v) -> durations.put(k, ((Number) v).doubleValue()));
        TimingHistory timings = TimingHistory.of(List.of(new TimingHistory.PastRun(durations, true)));
        double sum = durations.values().stream().mapToDouble(Double::doubleValue).sum();
        double longest = durations.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("balance_classes", durations.size());
        for (int shards : new int[] {8, 2, 4, 16}) {
            ShardPlan plan = ShardPlanner.plan(List.copyOf(durations.keySet()), timings, shards, shards);
            double ratio = plan.estimatedMakespanSeconds() / Math.max(sum / shards, longest);
            out.put(shards == 8 ? "balance_ratio" : "balance_ratio_" + shards + "_shards", round(ratio, 4));
        }
        return out;
    }

    static Map<String, Object> speedup(Path example, Path work) {
        Map<String, Object> out = speedup(example, work, "", Optional.empty());
        // the same suite with its slow tests half as slow (20 s instead of 40 s of I/O waits), where each shard's fixed
        // Maven/Surefire start (about 6 s of CPU) weighs twice as much: shows how the speed-up depends on it
        out.putAll(speedup(example, work.resolve("short"), "_short_tests", Optional.of("2000")));
        return out;
    }

    private static Map<String, Object> speedup(Path example, Path work, String suffix, Optional<String> sleepMs) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(example.resolve("pom.xml"))) {
            out.put("speedup_2_shards", null);
            out.put("speedup_skipped", "no example project at " + example + " (run from the repository root)");
            return out;
        }
        try {
            Path history = work.resolve("history.jsonl");
            Map<String, String> env = sleepMs.map(ms -> Map.of("EXAMPLE_SLEEP_MS", ms)).orElse(Map.of());
            RunSummary one = new SelfTestRun(SelfTestOptions.builder(example).shards(1).workers(1).env(env)
                    .history(history).reportDir(work.resolve("one")).build()).run(RunListener.NONE);
            RunSummary two = new SelfTestRun(SelfTestOptions.builder(example).shards(2).workers(2).prepare(false).env(env)
                    .history(history).reportDir(work.resolve("two")).build()).run(RunListener.NONE);
            double makespan1 = one.shards().get(0).runtimeSeconds();
            double makespan2 = two.shards().stream().mapToDouble(s -> s.runtimeSeconds()).max().orElse(0);
            out.put("speedup_2_shards" + suffix, round(makespan1 / makespan2, 3));
            out.put("speedup_1_shard_s" + suffix, round(makespan1, 2));
            out.put("speedup_2_shards_s" + suffix, round(makespan2, 2));
            out.put("speedup_tests" + suffix, two.tests().total());
            out.put("speedup_all_passed" + suffix, one.allPassed() && two.allPassed());
        } catch (IOException | RuntimeException e) {
            out.put("speedup_2_shards" + suffix, null);
            out.put("speedup_skipped" + suffix, e.getMessage());
        }
        return out;
    }

    static Map<String, Object> containerOverhead(Path work) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Path ws = Files.createDirectories(work.resolve("ws/tests"));
            Files.writeString(ws.resolve("test_noop.py"), "");
            SelfTestOptions o = SelfTestOptions.builder(ws.getParent()).framework(Framework.CUSTOM).command("true")
                    .paths(List.of("tests/*.py")).shards(1).useContainer(true).reportDir(work.resolve("report"))
                    .prepare(false).build();
            SelfTestRun run = new SelfTestRun(o);
            run.checkSetup();
            ShardPlan plan = run.plan();
            ContainerRuntime rt = ContainerRuntime.of("podman", Optional.empty(), System.getenv());
            List<String> bare = new ArrayList<>(List.of("run", "--rm"));
            SelfTestOptions.defaultImageMounts(false).forEach(m -> bare.addAll(List.of("-v", m.toOption())));
            bare.addAll(List.of(o.image(), "/bin/sh", "-c", "true"));
            List<Long> ours = new ArrayList<>();
            List<Long> theirs = new ArrayList<>();
            rt.exec(bare, Duration.ofMinutes(2)); // warm-up
            for (int i = 0; i < CONTAINER_RUNS; i++) {
                long t0 = System.nanoTime();
                run.runShard(plan, 0, RunListener.NONE);
                ours.add((System.nanoTime() - t0) / 1_000_000);
                t0 = System.nanoTime();
                CliResult r = rt.exec(bare, Duration.ofMinutes(2));
                theirs.add((System.nanoTime() - t0) / 1_000_000);
                if (!r.ok()) {
                    throw new IOException("bare podman run failed: " + r.firstLine());
                }
            }
            long oursMedian = median(ours);
            long bareMedian = median(theirs);
            out.put("container_overhead_ms", oursMedian);
            out.put("bare_podman_ms", bareMedian);
            out.put("container_overhead_ratio", round((double) oursMedian / bareMedian, 3));
            out.put("container_all_ms", ours);
            out.put("bare_podman_all_ms", theirs);
        } catch (IOException | RuntimeException e) {
            out.put("container_overhead_ms", null);
            out.put("bare_podman_ms", null);
            out.put("container_skipped", e.getMessage());
        }
        return out;
    }

    private static long median(List<Long> values) {
        List<Long> s = values.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
