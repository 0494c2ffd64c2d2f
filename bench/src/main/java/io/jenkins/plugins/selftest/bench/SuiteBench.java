package io.jenkins.plugins.selftest.bench;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code java -jar bench/target/bench.jar selftest-suites [rounds] [scale] [cpu|io|both]}: selfTest against plain Maven on the generated
 * suites of {@link GeneratedSuite}, in one invocation, interleaved, as separate processes the way a user runs them:
 * <ul>
 *   <li>plain: {@code mvn -B jacoco:prepare-agent surefire:test jacoco:report} (one JVM fork, JaCoCo agent and
 *       report, which is what users compare with), then the same with {@code -DforkCount=2};</li>
 *   <li>ours: {@code cli/selftest run DIR --shards N --no-prepare} through the launcher, with its JVM flags (the CLI's
 *       own JVM, planning, shards, gathering, coverage, orphans, reports and history included), planned from the
 *       history of the earlier rounds; it needs {@code cli/target/selftest.jar} built.</li>
 * </ul>
 * A warm-up round (not counted) resolves plugins and gives the history its first timings. Figures are medians over
 * the rounds: {@code <suite>_plain_s}, {@code <suite>_shards_<n>_s}, {@code <suite>_ratio_shards_<n>} (ours over
 * plain: at most 1.0 is the target on one agent), {@code <suite>_round_ratios_shards_<n>} and
 * {@code <suite>_median_round_ratio_shards_<n>} (each round's own ratio, and their median: a paired comparison of
 * runs minutes apart), {@code <suite>_speedup_shards_2} (plain over 2 shards) and
 * {@code <suite>_round_speedups_shards_2} (each round's), {@code <suite>_plain_forks_2_s},
 * {@code <suite>_speedup_plain_forks_2} and {@code <suite>_round_speedups_plain_forks_2} (plain Maven with
 * {@code -DforkCount=2}, Surefire's own parallelism: what the host gives two busy cores in each round),
 * {@code <suite>_test_time_s} (the suite's own test time, from plain Surefire's reports, median over the rounds) and
 * {@code <suite>_shard_fixed_s} (one shard's wall time less its tests' time: Maven's start to the first test and
 * the end after the last, per shard).
 */
public final class SuiteBench {

    /** The CPU suite: 48 classes, about 70 s of one core. */
    static final int CPU_CLASSES = 48;
    static final int CPU_UNITS = 7000;
    /** The I/O suite: 24 classes, about 70 s of waiting. */
    static final int IO_CLASSES = 24;
    static final int IO_UNITS = 600;

    /** Plain Maven with the JaCoCo agent and report: the baseline of every ratio. */
    static final String PLAIN = "mvn -B jacoco:prepare-agent surefire:test jacoco:report";

    private SuiteBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // a scale below 1 makes both suites smaller, for a quick look; the recorded figures use 1
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        Path work = Files.createTempDirectory("selftest-suites");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("bench", "selftest-suites");
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("scale", scale);
        // which suites: cpu, io or both (the default)
        String suites = args.length > 3 ? args[3] : "both";
        if (!List.of("cpu", "io", "both").contains(suites)) {
            System.err.println("selftest-suites: suites '" + suites + "' is not one of cpu, io, both");
            System.exit(2);
        }
        if (!suites.equals("io")) {
            figures.putAll(run(work, GeneratedSuite.Kind.CPU, rounds, List.of(1, 2), scale));
        }
        if (!suites.equals("cpu")) {
            figures.putAll(run(work, GeneratedSuite.Kind.IO, rounds, List.of(1, 2), scale));
        }
        System.out.println(Json.write(figures));
    }

    static Map<String, Object> run(Path work, GeneratedSuite.Kind kind, int rounds, List<Integer> shardCounts,
                                   double scale) throws IOException, InterruptedException {
        String name = kind.name().toLowerCase(Locale.ROOT);
        Path project = work.resolve(name + "-suite");
        if (kind == GeneratedSuite.Kind.CPU) {
            GeneratedSuite.write(project, kind, CPU_CLASSES, (int) (CPU_UNITS * scale), 12);
        } else {
            GeneratedSuite.write(project, kind, IO_CLASSES, (int) (IO_UNITS * scale), 12);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        check(sh(project, "mvn -B -q test-compile"), "test-compile of the " + name + " suite");
        Path history = work.resolve(name + "-history.jsonl");
        Map<String, List<Double>> walls = new LinkedHashMap<>();
        List<Double> fixed = new ArrayList<>();
        List<Double> testTimes = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            double plain = timed(project, PLAIN, "plain " + name);
            // read now: every later run, ours included, writes its reports into the same directory
            double tests = testTime(project.resolve("target/surefire-reports"));
            // the same with two forks, as a project could set in its POM: Surefire's own parallelism, which shows
            // what the host gives two busy cores in this round (a shared machine's second core is not always whole)
            double forks = timed(project, PLAIN + " -DforkCount=2", "plain " + name + " with two forks");
            if (round > 0) {
                walls.computeIfAbsent("plain", k -> new ArrayList<>()).add(plain);
                testTimes.add(tests);
                walls.computeIfAbsent("plain_forks_2", k -> new ArrayList<>()).add(forks);
            }
            for (int shards : shardCounts) {
                Path report = work.resolve(name + "-report-" + shards + "-" + round);
                double wall = timed(project, selftest() + " run " + project + " --shards " + shards
                        + " --no-prepare --history " + history + " --report-dir " + report, "selftest " + name);
                if (round > 0) {
                    walls.computeIfAbsent("shards_" + shards, k -> new ArrayList<>()).add(wall);
                    if (shards == 1) {
                        fixed.add(fixedCost(report));
                    }
                }
            }
        }
        double plain = median(walls.get("plain"));
        out.put(name + "_test_time_s", round(median(testTimes)));
        out.put(name + "_plain_s", round(plain));
        for (int shards : shardCounts) {
            double ours = median(walls.get("shards_" + shards));
            out.put(name + "_shards_" + shards + "_s", round(ours));
            out.put(name + "_ratio_shards_" + shards, round(ours / plain));
            // each round's own ratio: its runs follow each other within minutes, so the host's slower and faster
            // spells (the same suite's plain run moved by up to 30 % between rounds here) fall on both sides
            List<Double> perRound = new ArrayList<>();
            for (int r = 0; r < walls.get("plain").size(); r++) {
                perRound.add(walls.get("shards_" + shards).get(r) / walls.get("plain").get(r));
            }
            out.put(name + "_round_ratios_shards_" + shards, perRound.stream().map(SuiteBench::round).toList());
            out.put(name + "_median_round_ratio_shards_" + shards, round(median(perRound)));
            if (shards == 2) {
                out.put(name + "_speedup_shards_2", round(plain / ours));
                out.put(name + "_round_speedups_shards_2", speedups(walls.get("plain"), walls.get("shards_2")));
            }
        }
        double forks = median(walls.get("plain_forks_2"));
        out.put(name + "_plain_forks_2_s", round(forks));
        out.put(name + "_speedup_plain_forks_2", round(plain / forks));
        out.put(name + "_round_speedups_plain_forks_2", speedups(walls.get("plain"), walls.get("plain_forks_2")));
        out.put(name + "_shard_fixed_s", round(median(fixed)));
        out.put(name + "_all_s", walls);
        return out;
    }

    /** Each round's plain time over {@code faster}'s. */
    private static List<Double> speedups(List<Double> plain, List<Double> faster) {
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < plain.size(); r++) {
            out.add(round(plain.get(r) / faster.get(r)));
        }
        return out;
    }

    /** The CLI as a user runs it: the {@code cli/selftest} launcher, its JVM flags, in a JVM of its own. */
    private static String selftest() throws IOException {
        return CliLauncher.script().toString();
    }

    /** One shard's wall time less the time of its tests, from the run's summary. */
    static double fixedCost(Path report) throws IOException {
        RunRecord summary = Json.read(report.resolve("summary.json"), RunRecord.class);
        double tests = summary.classDurations().values().stream().mapToDouble(Double::doubleValue).sum();
        return summary.shards().get(0).runtimeSeconds() - tests;
    }

    /** The sum of the testsuite times in Surefire's reports. */
    static double testTime(Path reports) throws IOException {
        double sum = 0;
        try (Stream<Path> files = Files.list(reports)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
                String head = Files.readString(f);
                int at = head.indexOf("<testsuite");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\btime=\"([0-9.,]+)\"")
                        .matcher(head.substring(at, head.indexOf('>', at)));
                if (m.find()) {
                    sum += Double.parseDouble(m.group(1).replace(",", ""));
                }
            }
        }
        return sum;
    }

    private static double timed(Path dir, String command, String what) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        int code = sh(dir, command);
        double s = (System.nanoTime() - t0) / 1e9;
        // a failing test is part of neither suite: any non-zero exit is a broken measurement
        check(code, what);
        return s;
    }

    private static void check(int code, String what) throws IOException {
        if (code != 0) {
            throw new IOException(what + " failed with exit code " + code);
        }
    }

    private static int sh(Path dir, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("bench-last.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
