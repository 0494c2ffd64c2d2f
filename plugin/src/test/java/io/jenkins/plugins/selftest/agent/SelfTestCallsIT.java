package io.jenkins.plugins.selftest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.run.SelfTestRun;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.fakes.FakeListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent side of selfTest with real shards on examples/calculator (EXAMPLE_SLEEP_MS shortens its slow tests): a
 * whole run as the step makes it, plan + separate shards + publish equal to that run, podman shards, and a reap that
 * stops a run's shard processes from another call (stop, resume).
 */
class SelfTestCallsIT {

    private static final Path EXAMPLE = Path.of("..", "examples", "calculator").toAbsolutePath().normalize();
    private static final Map<String, String> ENV = Map.of("EXAMPLE_SLEEP_MS", "300");

    @TempDir
    Path tmp;
    private final FakeListener listener = new FakeListener();

    private static SelfTestSettings settings(String runtime, int shards, String command, long timeoutSeconds) {
        return new SelfTestSettings(command == null ? "maven" : "custom", Optional.ofNullable(command), shards, shards,
                List.of(), List.of(), runtime, Optional.empty(), Optional.empty(), timeoutSeconds, true, List.of(),
                List.of("**/target/classes"), List.of(), true, false, List.of(), List.of(), Optional.empty());
    }

    private static String history() {
        // an earlier build that found SlowATest slow: the planner must know it
        RunRecord earlier = RunRecord.builder("jenkins-1-earlier", Instant.parse("2026-11-20T00:00:00Z")).complete(true)
                .tests(1, 1, 0, 0, 0).classDurations(Map.of("org.example.calc.SlowATest", 40.0)).build();
        return Json.write(earlier) + "\n";
    }

    @Test
    void wholeRunThenPlanShardsAndPublishGiveTheSameResult() throws Exception {
        deleteTree(EXAMPLE.resolve("target")); // class-directory globs must resolve after compiling, not before
        String settings = Json.write(settings("none", 2, null, 600));
        Path report = tmp.resolve("run");

        RunSummary single = new SelfTestCalls.Run(settings, history(), "jenkins-it-" + id(), ENV, listener,
                report.toString()).invoke(EXAMPLE.toFile(), null);

        assertThat(single.setupError()).isEmpty();
        RunDetails d = single.details().orElseThrow();
        assertThat(d.record().total()).isGreaterThanOrEqualTo(40);
        assertThat(d.record().failed() + d.record().errors()).isZero();
        assertThat(d.record().complete()).isTrue();
        assertThat(d.record().lineCoverage()).as(single.problems() + " " + listener.text()).hasValueSatisfying(c -> assertThat(c).isGreaterThan(0.3));
        assertThat(d.record().orphanTotal()).as("LegacyExporter, CsvWriter (DoublingPlugin only recursively)").isEqualTo(2);
        assertThat(single.outcomes()).containsExactly(ShardOutcome.OK, ShardOutcome.OK);
        assertThat(listener.text()).contains("selfTest: shard 1/2 ok: ", "selfTest: shard 2/2 ok: ", "as local processes");
        assertThat(single.artifacts()).contains("jacoco/index.html", "orphans.json", "orphans.html",
                "shards/shard-0/shard.log", "shards/shard-1/shard.log");
        single.artifacts().forEach(a -> assertThat(report.resolve(a)).isRegularFile());
        ShardPlan plan = ShardPlan.read(report.resolve("plan.json"));
        assertThat(plan.shards()).as("the earlier build's timing reached the planner")
                .anySatisfy(s -> assertThat(s.estimatedSeconds()).isGreaterThanOrEqualTo(40.0));

        // the distributed way: plan on one agent, each shard on "another", publish on a third
        String planJson = new SelfTestCalls.Plan(settings, history(), "jenkins-it-plan", ENV, listener,
                tmp.resolve("plan").toString()).invoke(EXAMPLE.toFile(), null).toJson();
        ShardPlan distributed = ShardPlan.fromJson(planJson);
        assertThat(distributed.shardCount()).isEqualTo(2);
        Path publishDir = tmp.resolve("publish");
        for (int i = 0; i < 2; i++) {
            Path agent = tmp.resolve("agent-" + i);
            ShardResult o = new SelfTestCalls.Shard(settings, planJson, i, "jenkins-it-shard" + i, ENV,
                    listener, agent.toString()).invoke(EXAMPLE.toFile(), null);
            assertThat(o.outcome()).isEqualTo(ShardOutcome.OK);
            assertThat(o.shardCount()).isEqualTo(2);
            copyTree(agent.resolve("shards/shard-" + i), publishDir.resolve("shards/shard-" + i)); // via the controller
        }
        RunSummary merged = new SelfTestCalls.Publish(settings, planJson, System.currentTimeMillis(),
                "jenkins-it-publish", ENV, listener, publishDir.toString()).invoke(EXAMPLE.toFile(), null);

        RunRecord m = merged.details().orElseThrow().record();
        RunRecord s = d.record();
        assertThat(List.of(m.total(), m.passed(), m.failed(), m.errors(), m.skipped()))
                .isEqualTo(List.of(s.total(), s.passed(), s.failed(), s.errors(), s.skipped()));
        assertThat(m.lineCoverage()).isEqualTo(s.lineCoverage());
        assertThat(m.branchCoverage()).isEqualTo(s.branchCoverage());
        assertThat(m.orphanTotal()).isEqualTo(s.orphanTotal());
        assertThat(m.complete()).isTrue();
        assertThat(m.shards()).hasSize(2);
        assertThat(merged.artifacts()).contains("jacoco/index.html", "orphans.json", "shards/shard-1/shard.log");
        assertThat(listener.text()).contains("selfTest: shard 1/2: ", "selfTest: merged 2 shard(s)");
    }

    @Test
    void publishNamesAShardThatNeverRan() throws Exception {
        String settings = Json.write(settings("none", 2, "true", 60));
        ShardPlan plan = new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest"), 1, 0, 1),
                new ShardPlan.Shard(1, List.of("a.BTest"), 1, 0, 1)), 2, List.of());
        Path ws = Files.createDirectories(tmp.resolve("ws"));

        RunSummary o = new SelfTestCalls.Publish(settings, plan.toJson(), 0, "jenkins-it-" + id(), Map.of(),
                listener, tmp.resolve("report").toString()).invoke(ws.toFile(), null);

        assertThat(o.outcomes()).containsExactly(ShardOutcome.ERROR, ShardOutcome.ERROR);
        assertThat(o.problems()).contains("shard 1/2 has no results: run selfTest(shard: 0) before selfTestPublish()");
        assertThat(o.details().orElseThrow().record().complete()).isFalse();
    }

    @Test
    void reapStopsTheLocalShardProcessesOfARunFromAnotherCall() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Files.createDirectories(ws.resolve("src/test/java/a"));
        Files.writeString(ws.resolve("src/test/java/a/ATest.java"), "class ATest {}");
        String runId = "jenkins-it-reap-" + id();
        Path pidFile = tmp.resolve("pid");
        String settings = Json.write(settings("none", 1, "echo $$ > " + pidFile + "; sleep 600 & wait", 300));
        CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(() -> {
            try {
                return new SelfTestCalls.Run(settings, "", runId, Map.of(), listener, tmp.resolve("report").toString())
                        .invoke(ws.toFile(), null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(pidFile).exists();
        Thread.sleep(300);
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessTree.isRunning(pid)).isTrue();

        String line = new SelfTestCalls.Reap(runId, "none", null, Map.of()).call();

        assertThat(line).matches("aborted; stopped 1 shard in \\d+\\.\\d s");
        assertThat(ProcessTree.isRunning(pid)).isFalse();
        assertThatThrownBy(() -> running.get(60, TimeUnit.SECONDS)).hasRootCauseInstanceOf(InterruptedIOException.class)
                .hasRootCauseMessage("run " + runId + " " + line);
        assertThat(listener.text()).contains("selfTest: shard 1/1 aborted: 0 tests, 0 failed")
                .doesNotContain("interrupted while").doesNotContain("could not run");
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(runId))).isEmpty();
    }

    @Test
    void reapOfARunThisJvmDoesNotRunStopsItsShardProcessesByCookie() throws Exception {
        // the run's JVM is gone (an agent restarted), its shard processes are not
        String runId = "jenkins-it-orphan-" + id();
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell("exec sleep 600").cookie(SelfTestRun.shardCookie(runId, 0))
                .output(LaunchSpec.Output.toFile(tmp.resolve("orphan.log"))).build());
        try {
            // an orphan of a gone JVM is long established: wait until its shell has exec'd with the cookie (a
            // process in the middle of an exec shows no environment in /proc for a moment)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ProcessTree.cookieHolders(c -> c.startsWith(runId)).containsKey(p.pid())
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String line = new SelfTestCalls.Reap(runId, "none", null, Map.of()).call();

            assertThat(line).isEqualTo("stopped 1 shard process(es) and removed 0 container(s) of run " + runId);
            assertThat(p.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.stop(io.jenkins.plugins.selftest.engine.process.Signal.KILL, Duration.ZERO);
        }
    }

    @Test
    void stoppingARunOfTwoPodmanShardsAbortsBothAtOnce() throws Exception {
        assumePodman();
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Files.createDirectories(ws.resolve("src/test/java/a"));
        Files.writeString(ws.resolve("src/test/java/a/ATest.java"), "class ATest {}");
        Files.writeString(ws.resolve("src/test/java/a/BTest.java"), "class BTest {}");
        String runId = "jenkins-it-abort-" + id();
        String settings = Json.write(settings("podman", 2, "sleep 600", 300));
        Thread[] caller = new Thread[1];
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        caller[0] = new Thread(() -> {
            try {
                new SelfTestCalls.Run(settings, "", runId, Map.of(), listener, tmp.resolve("report").toString())
                        .invoke(ws.toFile(), null);
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        });
        caller[0].start();
        ContainerRuntime podman = ContainerRuntime.of("podman", Optional.empty(), Map.of());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (running(podman, runId) < 2 && System.nanoTime() < deadline && !ended.isDone()) {
            Thread.sleep(200);
        }
        assertThat(running(podman, runId)).as("both shards' containers run").isEqualTo(2);

        // what SelfTestExecution.stop does: interrupt the remote call, then reap by run id
        long t0 = System.nanoTime();
        caller[0].interrupt();
        String line = new SelfTestCalls.Reap(runId, "podman", null, Map.of()).call();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Throwable thrown = ended.get(30, TimeUnit.SECONDS);
        System.out.printf(Locale.ROOT, "stop of 2 podman shards: %s; the stop call took %.2f s%n", line, seconds);

        assertThat(line).matches("aborted; stopped 2 shards in \\d+\\.\\d s");
        assertThat(seconds).as("both at once, without podman's stop timeout").isLessThan(5.0);
        assertThat(podman.list(Reaper.selector(Optional.of(runId)))).isEmpty();
        assertThat(thrown).isInstanceOf(InterruptedIOException.class).hasMessage("run " + runId + " " + line);
        assertThat(listener.text()).contains("selfTest: shard 1/2 aborted: 0 tests, 0 failed",
                "selfTest: shard 2/2 aborted: 0 tests, 0 failed").doesNotContain("interrupted while")
                .doesNotContain("could not run");
    }

    private static int running(ContainerRuntime rt, String runId) throws IOException {
        return (int) rt.exec("ps", "-q", "--filter", "label=" + ContainerRuntime.RUN_LABEL + "=" + runId).output().lines()
                .filter(l -> !l.isBlank()).count();
    }

    @Test
    void podmanShardsOnTheExampleLeaveNoContainer() throws Exception {
        assumePodman();
        String runId = "jenkins-it-podman-" + id();
        String settings = Json.write(settings("podman", 2, null, 600));

        RunSummary o = new SelfTestCalls.Run(settings, "", runId, ENV, listener,
                tmp.resolve("report").toString()).invoke(EXAMPLE.toFile(), null);

        assertThat(o.setupError()).isEmpty();
        assertThat(o.mode()).startsWith("podman containers");
        RunRecord r = o.details().orElseThrow().record();
        assertThat(r.total()).isGreaterThanOrEqualTo(40);
        assertThat(r.failed() + r.errors()).isZero();
        assertThat(r.containerFailures()).isZero();
        assertThat(o.outcomes()).containsExactly(ShardOutcome.OK, ShardOutcome.OK);
        assertThat(ContainerRuntime.of("podman", Optional.empty(), Map.of()).list(Reaper.selector(Optional.of(runId))))
                .isEmpty();
    }

    @Test
    void aMissingImageIsASetupErrorNamingTheImage() throws Exception {
        assumePodman();
        SelfTestSettings s = new SelfTestSettings("maven", Optional.empty(), 1, 1, List.of(), List.of(), "podman",
                Optional.of("localhost/no-such-image:" + id()), Optional.empty(), 60, true, List.of(), List.of(),
                List.of(), true, false, List.of(), List.of(), Optional.empty());

        RunSummary o = new SelfTestCalls.Run(Json.write(s), "", "jenkins-it-" + id(), ENV, listener,
                tmp.resolve("report").toString()).invoke(EXAMPLE.toFile(), null);

        assertThat(o.details()).isEmpty();
        assertThat(o.setupError()).hasValueSatisfying(m -> assertThat(m).contains("no-such-image"));
    }

    @Test
    void aFreshWorkspaceIsOneLineSayingWhatToDo() throws Exception {
        // selfTest as the first step of a new job: no workspace, no checkout, nothing compiled
        Path fresh = tmp.resolve("workspace").resolve("new-job");

        RunSummary o = new SelfTestCalls.Run(Json.write(settings("none", 2, null, 60)), "", "jenkins-it-" + id(),
                ENV, listener, tmp.resolve("report").toString()).invoke(fresh.toFile(), null);

        assertThat(o.details()).isEmpty();
        assertThat(o.setupError()).hasValueSatisfying(m -> assertThat(m).doesNotContain("\n").contains(fresh.toString())
                .containsIgnoringCase("checkout"));
    }

    private static void assumePodman() {
        String problem;
        try {
            ContainerRuntime rt = ContainerRuntime.of("podman", Optional.empty(), Map.of());
            rt.checkAvailable();
            rt.imageLabels(SelfTestOptions.DEFAULT_IMAGE);
            problem = null;
        } catch (IOException e) {
            problem = e.getMessage();
        }
        if (problem == null) {
            return;
        }
        String msg = "podman cannot run " + SelfTestOptions.DEFAULT_IMAGE + " here (" + problem + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true, so this container test fails instead of skipping: " + msg);
        }
        Assumptions.abort(msg);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String id() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
