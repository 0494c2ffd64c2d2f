package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.jenkins.plugins.selftest.engine.container.Containers;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #11 item 2, on real Maven runs in podman: a project without {@code ./mvnw} whose dependencies the host's Maven
 * (Debian's 3.8.7) resolved, tested in container shards of an image whose Maven is another one (3.9.9, the
 * distribution {@code ./mvnw} downloaded, copied into {@value #IMAGE} by scripts/build-test-image.sh). The two
 * Maven versions bind different Surefire versions by default, so offline shards against what the host resolved fail
 * ({@code Cannot access central ... in offline mode}) unless the warm-up fills the repository with the image's Maven.
 */
class ContainerResolutionIT {

    static final String IMAGE = "localhost/selftest-maven39:latest";
    private static final Path PROJECT = Path.of("src", "test", "projects", "textkit").toAbsolutePath();
    private static final Path BUILD_IMAGE = Path.of("..", "scripts", "build-test-image.sh").toAbsolutePath().normalize();

    /** The fixture built by the host's mvn ({@code target/} included) and the repository that mvn filled. */
    @TempDir
    static Path seed;

    @BeforeAll
    static void imageWithAnotherMavenAndAProjectTheHostsMavenResolved() throws Exception {
        Containers.assumePodman();
        Path dist;
        try (Stream<Path> found = Files.isDirectory(wrapperDists()) ? Files.walk(wrapperDists(), 3) : Stream.empty()) {
            dist = found.filter(p -> p.getFileName().toString().matches("apache-maven-3\\.9.*|[0-9a-f]{8}"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/mvn"))).findFirst().orElse(null);
        }
        if (dist == null) {
            String msg = "no Maven 3.9 distribution in " + wrapperDists() + " (./mvnw puts one there)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        sh(Path.of("."), "bash", BUILD_IMAGE.toString(), "--maven", dist.toString(), IMAGE);
        sh(Path.of("."), "cp", "-r", PROJECT.toString(), seed.resolve("ws").toString());
        sh(seed.resolve("ws"), "mvn", "-B", "-q", "-Dmaven.repo.local=" + seed.resolve("m2/repository"),
                "test-compile", "surefire:test");
        assertThat(seed.resolve("m2/repository/org/apache/maven/plugins/maven-surefire-plugin/2.12.4"))
                .as("the host's Maven 3.8.7 binds Surefire 2.12.4").isDirectory();
    }

    private static Path wrapperDists() {
        return Path.of(System.getProperty("user.home"), ".m2", "wrapper", "dists");
    }

    /** A fresh copy of the seed: workspace and Maven user home as the host's Maven left them. */
    private static SelfTestOptions.Builder run(Path tmp, String runId) throws Exception {
        sh(Path.of("."), "cp", "-r", seed.resolve("ws").toString(), tmp.resolve("ws").toString());
        sh(Path.of("."), "cp", "-r", seed.resolve("m2").toString(), tmp.resolve("m2").toString());
        return SelfTestOptions.builder(tmp.resolve("ws")).shards(2).workers(2).useContainer(true).image(IMAGE)
                .mounts(SelfTestOptions.defaultImageMounts(false)).mavenHome(tmp.resolve("m2")).prepare(false)
                .runId(runId).reportDir(tmp.resolve("report")).history(tmp.resolve("history.jsonl"))
                .timeout(Duration.ofMinutes(5));
    }

    @Test
    void shardsOfAnImageWithAnotherMavenPassAfterTheWarmUpFilledTheRepositoryWithThatMaven(@TempDir Path tmp)
            throws Exception {
        String runId = "it-resolve-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        RunSummary summary = new SelfTestRun(run(tmp, runId).build()).run(notes(notes));

        Path repository = tmp.resolve("m2/repository");
        String line = "maven repository " + repository + " (offline; filled by the image's mvn in prepare)";
        assertThat(summary.allPassed()).as(summary.problems() + "\n" + log(tmp, "shards/shard-0/shard.log")).isTrue();
        assertThat(summary.tests().total()).isEqualTo(6);
        assertThat(summary.shards()).hasSize(2).allSatisfy(s -> assertThat(s.outcome()).isEqualTo(ShardOutcome.OK));
        assertThat(notes).contains("container shards: " + line);
        for (int i = 0; i < 2; i++) {
            assertThat(log(tmp, "shards/shard-" + i + "/shard.log")).startsWith("selftest: shard " + i + ": " + line + "\n");
        }
        assertThat(repository.resolve("org/apache/maven/plugins/maven-surefire-plugin/3.2.5"))
                .as("the image's Maven 3.9.9 resolved its own Surefire").isDirectory();
        assertThat(log(tmp, "report/prepare.log")).startsWith("selftest: filling " + repository + " in " + IMAGE + ": mvn -B -q -Dmaven.repo.local=");
        assertThat(summary.coverage().line().covered()).as("JaCoCo's agent was resolved too").isPositive();
        assertThat(Containers.ofRun(runId)).as("the warm-up's and the shards' containers are gone").isEmpty();
    }

    @Test
    void aSingleShardOfADistributedRunFillsTheRepositoryItselfFirst(@TempDir Path tmp) throws Exception {
        String runId = "it-single-" + UUID.randomUUID().toString().substring(0, 8);
        SelfTestRun run = new SelfTestRun(run(tmp, runId).build());
        run.checkSetup();
        ShardPlan plan = run.plan();
        List<String> notes = Collections.synchronizedList(new ArrayList<>());

        ShardResult shard = run.runShard(plan, 1, notes(notes));

        String line = "maven repository " + tmp.resolve("m2/repository") + " (offline; filled by the image's mvn in prepare)";
        assertThat(shard.outcome()).as(shard.problems() + "\n" + log(tmp, "shards/shard-1/shard.log"))
                .isEqualTo(ShardOutcome.OK);
        assertThat(shard.total()).isPositive().isEqualTo(shard.passed());
        assertThat(notes).contains("container shards: " + line);
        assertThat(log(tmp, "shards/shard-1/shard.log")).startsWith("selftest: shard 1: " + line + "\n");
        assertThat(Containers.ofRun(runId)).isEmpty();
    }

    @Test
    void whenTheWarmUpCannotReachARegistryTheShardsStillTryOfflineAndNameTheRepository(@TempDir Path tmp)
            throws Exception {
        String runId = "it-noreg-" + UUID.randomUUID().toString().substring(0, 8);
        SelfTestOptions.Builder options = run(tmp, runId);
        // every repository mirrored to a port where nothing listens: an agent without registry access
        Files.writeString(tmp.resolve("m2/settings.xml"), """
                <settings><mirrors><mirror><id>nowhere</id><mirrorOf>*</mirrorOf>
                <url>http://127.0.0.1:9/maven2</url></mirror></mirrors></settings>
                """);
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        RunSummary summary = new SelfTestRun(options.build()).run(notes(notes));

        Path repository = tmp.resolve("m2/repository");
        String line = "maven repository " + repository + " (offline; the image's mvn could not fill it in prepare, "
                + "see prepare.log)";
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith("filling " + repository + " with the Maven of "
                + IMAGE + " failed (exit 1): see " + tmp.resolve("report/prepare.log") + "; the shards try offline anyway"));
        assertThat(notes).contains("container shards: " + line);
        assertThat(summary.shards()).hasSize(2).allSatisfy(s -> {
            assertThat(s.outcome()).isEqualTo(ShardOutcome.ERROR);
            assertThat(s.problems()).contains("shard " + s.index() + ": Maven could not resolve offline from its " + line
                    + "; see " + tmp.resolve("report/shards/shard-" + s.index() + "/shard.log"));
        });
        assertThat(log(tmp, "shards/shard-0/shard.log")).startsWith("selftest: shard 0: " + line)
                .contains("in offline mode");
        assertThat(summary.tests().total()).isZero();
        assertThat(Containers.ofRun(runId)).isEmpty();
    }

    @Test
    void anAbortDuringTheWarmUpStopsItsContainer(@TempDir Path tmp) throws Exception {
        String runId = "it-warmabort-" + UUID.randomUUID().toString().substring(0, 8);
        SelfTestRun run = new SelfTestRun(run(tmp, runId).build());
        CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
            try {
                run.run(RunListener.NONE);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Containers.ofRun(runId).isEmpty() && !ended.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Containers.podman().labels("selftest-" + runId + "-prepare"))
                .as("the warm-up runs in a container labelled with the run").containsEntry("selftest.run", runId);
        AbortReport report = run.abort();

        assertThat(ended.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
        assertThat(Containers.ofRun(runId)).as("the abort removed the warm-up's container").isEmpty();
        assertThat(report.describe()).startsWith("aborted");
        assertThat(tmp.resolve("report/shards")).doesNotExist();
    }

    private static RunListener notes(List<String> notes) {
        return new RunListener() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
    }

    private static String log(Path tmp, String file) throws IOException {
        Path p = file.startsWith("report/") ? tmp.resolve(file) : tmp.resolve("report").resolve(file);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(no " + p + ")";
    }

    private static void sh(Path dir, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            fail(String.join(" ", argv) + " failed:\n" + out);
        }
    }
}
