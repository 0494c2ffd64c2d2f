package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #11 item 6: the gradle preset on a real Gradle build (Debian's Gradle 4.4.1 on Java 17, installed by
 * scripts/setup-machine.sh): {@code selftest run --framework gradle --shards 2} counts what {@code gradle test} counts.
 */
class GradleRunIT {

    private static final Path PROJECT = Path.of("..", "engine", "src", "test", "projects", "textkit").toAbsolutePath()
            .normalize();
    private static final Pattern TESTS = Pattern.compile("<testsuite [^>]*tests=\"(\\d+)\"[^>]*failures=\"(\\d+)\"");

    @Test
    void twoGradleShardsRunWhatGradleTestRuns(@TempDir Path tmp) throws Exception {
        assumeGradle();
        Path plain = copy(tmp.resolve("plain"));
        sh(plain, "gradle", "-q", "--no-daemon", "test");
        int[] byGradle = count(plain.resolve("build/test-results/test"));

        Path ws = copy(tmp.resolve("ws"));
        // a build that sends its results elsewhere: the shards' own directories still win
        Files.writeString(ws.resolve("build.gradle"), "\ntest { reports.junitXml.destination = file(\"own-results\") }\n",
                java.nio.file.StandardOpenOption.APPEND);
        Cli.Result r = Cli.run("run", ws.toString(), "--framework", "gradle", "--shards", "2",
                "--history", tmp.resolve("h.jsonl").toString(), "--report-dir", tmp.resolve("report").toString());

        assertThat(byGradle[0]).as("gradle test ran the fixture's tests").isEqualTo(6);
        assertThat(byGradle[1]).isZero();
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains(byGradle[0] + " tests, " + byGradle[0] + " passed, 0 failed")
                .contains("as local processes");
        assertThat(r.err()).contains("shard 0 ok").contains("shard 1 ok");
        int[] shard0 = count(tmp.resolve("report/shards/shard-0/reports"));
        int[] shard1 = count(tmp.resolve("report/shards/shard-1/reports"));
        assertThat(shard0[0]).as("each shard ran tests of its own").isPositive();
        assertThat(shard1[0]).isPositive();
        assertThat(shard0[0] + shard1[0]).as("no test ran twice").isEqualTo(byGradle[0]);
        // each shard's results are its own classes' (shards sharing one build/test-results took each other's XML)
        for (String shard : List.of("shard-0", "shard-1")) {
            Path dir = tmp.resolve("report/shards").resolve(shard);
            assertThat(reportNames(dir.resolve("reports"))).as(shard)
                    .containsExactlyInAnyOrderElementsOf(Files.readAllLines(dir.resolve("tests.txt")).stream()
                            .map(c -> "TEST-" + c + ".xml").toList());
        }
        assertThat(ws.resolve("build/test-results")).as("the shards keep out of the build directory they share")
                .doesNotExist();
        assertThat(ws.resolve("own-results")).as("and out of the build's own results directory").doesNotExist();
        // the preset runs Gradle without a daemon: nothing of a shard outlives it, so nothing is left to stop
        assertThat(r.out()).doesNotContain("process(es) running");
        assertThat(ProcessTree.cookieHolders(c -> c.contains("/shard-")).keySet().stream()
                .filter(GradleRunIT::isGradleDaemon)).as("a Gradle daemon of a shard").isEmpty();
    }

    private static boolean isGradleDaemon(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.ISO_8859_1)
                    .contains("GradleDaemon");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The names of the XML files under {@code dir}. */
    private static List<String> reportNames(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml")).toList();
        }
    }

    /** Tests and failures in the JUnit XML files of a directory. */
    private static int[] count(Path dir) throws Exception {
        int[] sum = new int[2];
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".xml")).toList()) {
                Matcher m = TESTS.matcher(Files.readString(f, StandardCharsets.UTF_8));
                if (m.find()) {
                    sum[0] += Integer.parseInt(m.group(1));
                    sum[1] += Integer.parseInt(m.group(2));
                }
            }
        }
        return sum;
    }

    private static Path copy(Path to) throws Exception {
        Files.createDirectories(to);
        for (String part : new String[] {"build.gradle", "src"}) {
            sh(Path.of("."), "cp", "-r", PROJECT.resolve(part).toString(), to.resolve(part).toString());
        }
        return to;
    }

    private static void assumeGradle() {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "gradle")));
        if (found) {
            return;
        }
        String msg = "gradle is not on the PATH; run scripts/setup-machine.sh (Debian's gradle)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true, so this test fails instead of skipping: " + msg);
        }
        Assumptions.abort(msg);
    }

    private static void sh(Path dir, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed:\n" + out);
        }
    }
}
