package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.container.Containers;
import io.jenkins.plugins.selftest.engine.history.RunHistory;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.orphans.Orphan;
import io.jenkins.plugins.selftest.engine.process.Cgroups;
import io.jenkins.plugins.selftest.engine.process.Escapee;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real runs: the example project through Maven, local and in podman; custom shards for timeouts and copy mode. */
class SelfTestRunIT {

    private static final Path EXAMPLE = Path.of("..", "examples", "calculator").toAbsolutePath().normalize();

    /** A custom shard that turns every test id into a passing JUnit case (file name = test id's base name). */
    private static final String WRITE_JUNIT = "for t in $(cat \"$SELFTEST_TESTS_FILE\"); do n=$(basename \"$t\" .py); "
            + "printf '<testsuite name=\"%s\" tests=\"1\"><testcase classname=\"%s\" name=\"ok\" time=\"0.2\"/></testsuite>' "
            + "\"$n\" \"$n\" > \"$SELFTEST_REPORTS_DIR/TEST-$n.xml\"; done";

    private static Path pyWorkspace(Path dir, int tests) throws IOException {
        Files.createDirectories(dir.resolve("tests"));
        for (int i = 0; i < tests; i++) {
            Files.writeString(dir.resolve("tests/test_m" + i + ".py"), "def test_ok(): pass\n");
        }
        return dir;
    }

    private static SelfTestOptions.Builder example(Path reports) {
        return SelfTestOptions.builder(EXAMPLE).shards(2).workers(2).reportDir(reports.resolve("report"))
                .history(reports.resolve("history.jsonl")).env("EXAMPLE_SLEEP_MS", "300");
    }

    @Test
    void localAndPodmanShardsOnTheExampleGiveEqualResultsCoverageAndOrphans(@TempDir Path tmp) throws Exception {
        Containers.assumePodman();
        RunSummary local = new SelfTestRun(example(tmp.resolve("local")).build()).run(RunListener.NONE);
        String runId = "it-" + UUID.randomUUID().toString().substring(0, 8);
        RunSummary podman = new SelfTestRun(example(tmp.resolve("podman")).useContainer(true).runId(runId).build())
                .run(RunListener.NONE);

        assertThat(local.mode()).isEqualTo("local processes");
        assertThat(podman.mode()).startsWith("podman containers (local engine, workspace bind-mounted");
        assertThat(local.allPassed()).as(local.problems().toString()).isTrue();
        assertThat(podman.allPassed()).as(podman.problems().toString()).isTrue();
        assertThat(local.tests().total()).isGreaterThanOrEqualTo(40).isEqualTo(podman.tests().total());
        assertThat(podman.tests().passed()).isEqualTo(local.tests().passed());
        assertThat(local.coverage().line().covered()).isPositive().isEqualTo(podman.coverage().line().covered());
        assertThat(podman.coverage().instruction()).isEqualTo(local.coverage().instruction());
        assertThat(podman.coverage().branch()).isEqualTo(local.coverage().branch());
        assertThat(local.orphans().orphans()).extracting(Orphan::className)
                .contains("org.example.calc.LegacyExporter", "org.example.calc.CsvWriter", "org.example.calc.DoublingPlugin");
        assertThat(podman.orphans()).isEqualTo(local.orphans());
        assertThat(local.orphans().covered()).isEqualTo(1);
        assertThat(podman.containerFailures()).isZero();
        assertThat(podman.containerTimeouts()).isZero();
        assertThat(Containers.ofRun(runId)).isEmpty();
        assertThat(tmp.resolve("podman/report/index.html")).exists();
        assertThat(tmp.resolve("podman/report/jacoco/index.html")).exists();
        assertThat(RunHistory.load(tmp.resolve("podman/history.jsonl")).records()).singleElement()
                .satisfies(r -> assertThat(r.classDurations()).containsKey("org.example.calc.SlowATest"));
    }

    @Test
    void coverageOffAttachesNoAgentAndLeavesNoExecFilesOrJacocoReport(@TempDir Path tmp) throws Exception {
        RunSummary s = new SelfTestRun(example(tmp).coverage(false).build()).run(RunListener.NONE);

        assertThat(s.allPassed()).as(s.problems().toString()).isTrue();
        assertThat(s.tests().total()).isGreaterThanOrEqualTo(40);
        assertThat(s.coverage().isEmpty()).isTrue();
        try (Stream<Path> files = Files.walk(tmp)) {
            assertThat(files.map(tmp::relativize).map(Path::toString))
                    .as("no exec file and no JaCoCo report anywhere in the run's directories")
                    .noneMatch(f -> f.endsWith(".exec") || f.contains("jacoco"));
        }
        for (int shard = 0; shard < 2; shard++) {
            assertThat(Files.readString(ShardDirectory.of(tmp.resolve("report"), shard).log()))
                    .as("shard %d's Maven attaches no JaCoCo agent", shard)
                    .contains("Tests run:").doesNotContain("jacoco");
        }
    }

    @Test
    void anImageLabelMountsNothingWhileTheMountOptionMountsReadOnly(@TempDir Path tmp) throws Exception {
        Containers.assumePodman();
        Path secret = Files.createDirectories(tmp.resolve("host-secret"));
        Path key = Files.writeString(secret.resolve("id_rsa"), "PRIVATE KEY");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        // an image that asks for the host's /usr and the secret directory, as the audit's image did
        String image = "localhost/selftest-label-it:" + UUID.randomUUID().toString().substring(0, 8);
        Path context = Files.createDirectories(tmp.resolve("image"));
        Files.writeString(context.resolve("Containerfile"), "FROM " + Containers.IMAGE + "\n"
                + "LABEL selftest.mounts=/usr," + secret + "\n");
        var built = Containers.podman().exec(List.of("build", "--pull=never", "-q", "-t", image, context.toString()),
                Duration.ofMinutes(2));
        assertThat(built.ok()).as(built.output()).isTrue();
        try {
            Path ws = pyWorkspace(tmp.resolve("ws"), 1);
            // the image's own needs (its shell lives in the host's /usr) come from the option, as any mount does
            SelfTestOptions.Builder run = SelfTestOptions.builder(ws).framework(Framework.CUSTOM)
                    .paths(List.of("tests/*.py")).useContainer(true).image(image).prepare(false);

            RunSummary labelOnly = new SelfTestRun(run.mounts(List.of(ContainerSpec.Mount.parse("/usr")))
                    .reportDir(tmp.resolve("label/report")).command("test ! -e " + secret + " && " + WRITE_JUNIT)
                    .build()).run(RunListener.NONE);
            RunSummary asked = new SelfTestRun(run.mounts(List.of(ContainerSpec.Mount.parse("/usr"),
                            ContainerSpec.Mount.parse(secret + ":/mnt/secret")))
                    .reportDir(tmp.resolve("asked/report"))
                    .command("test \"$(cat /mnt/secret/id_rsa)\" = 'PRIVATE KEY' && ! touch /mnt/secret/written "
                            + "&& test ! -e " + secret + " && " + WRITE_JUNIT)
                    .build()).run(RunListener.NONE);

            assertThat(labelOnly.allPassed()).as("the label's " + secret + " is not mounted: "
                    + Files.readString(ShardDirectory.of(tmp.resolve("label/report"), 0).log())).isTrue();
            assertThat(asked.allPassed()).as("--mount " + secret + ":/mnt/secret is there, read-only: "
                    + Files.readString(ShardDirectory.of(tmp.resolve("asked/report"), 0).log())).isTrue();
            assertThat(secret.resolve("written")).doesNotExist();
        } finally {
            Containers.podman().exec(List.of("rmi", "-f", image), Duration.ofMinutes(1));
        }
    }

    @Test
    void aMountOfAHostPathThatIsNotThereIsAOneLineSetupError(@TempDir Path tmp) throws Exception {
        Containers.assumePodman();
        SelfTestOptions o = SelfTestOptions.builder(pyWorkspace(tmp.resolve("ws"), 1)).framework(Framework.CUSTOM)
                .command("true").useContainer(true).reportDir(tmp.resolve("report"))
                .mounts(List.of(ContainerSpec.Mount.parse(tmp.resolve("missing") + ":/data"))).build();

        assertThatThrownBy(() -> new SelfTestRun(o).checkSetup()).isInstanceOf(SetupException.class)
                .hasMessage("mount " + tmp.resolve("missing") + ":/data:ro: " + tmp.resolve("missing")
                        + " does not exist on this machine: create it or leave the mount out");
    }

    @Test
    void containerShardThatTimesOutIsRemovedAndCounted(@TempDir Path tmp) throws Exception {
        Containers.assumePodman();
        String runId = "it-timeout-" + UUID.randomUUID().toString().substring(0, 8);
        SelfTestOptions o = SelfTestOptions.builder(pyWorkspace(tmp.resolve("ws"), 2)).framework(Framework.CUSTOM)
                .paths(List.of("tests/*.py")).shards(2).useContainer(true).runId(runId)
                .command("if [ \"$SELFTEST_SHARD_INDEX\" = 0 ]; then sleep 600; fi; " + WRITE_JUNIT)
                .timeout(Duration.ofSeconds(4)).reportDir(tmp.resolve("report")).build();

        long t0 = System.nanoTime();
        RunSummary s = new SelfTestRun(o).run(RunListener.NONE);

        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(60);
        assertThat(s.shards()).extracting(ShardResult::outcome).containsExactly(ShardOutcome.TIMEOUT, ShardOutcome.OK);
        assertThat(s.containerTimeouts()).isEqualTo(1);
        assertThat(s.containerFailures()).isZero();
        assertThat(s.complete()).isFalse();
        assertThat(s.toRecord().complete()).isFalse();
        assertThat(Containers.ofRun(runId)).as("the timed-out container is gone").isEmpty();
    }

    @Test
    void copyModeNeedsNoSharedFilesystem(@TempDir Path tmp) throws Exception {
        Containers.assumePodman();
        Path ws = pyWorkspace(tmp.resolve("ws"), 3);
        Files.writeString(ws.resolve("marker.txt"), "copied-in");
        String runId = "it-copy-" + UUID.randomUUID().toString().substring(0, 8);
        SelfTestOptions o = SelfTestOptions.builder(ws).framework(Framework.CUSTOM).paths(List.of("tests/*.py"))
                .shards(2).useContainer(true).copyWorkspace(true).runId(runId)
                // the shard reads a workspace file from its own copy; the report dir inside the workspace stays out
                .command("test \"$(pwd)\" = /workspace && test \"$(cat marker.txt)\" = copied-in "
                        + "&& test ! -e .selftest/report && test -e .selftest/keep.txt && " + WRITE_JUNIT)
                .reportDir(ws.resolve(".selftest/report")).build();
        Files.createDirectories(ws.resolve(".selftest/report"));
        Files.writeString(ws.resolve(".selftest/keep.txt"), "");
        Files.writeString(ws.resolve(".selftest/report/old.txt"), "from an earlier run");

        RunSummary s = new SelfTestRun(o).run(RunListener.NONE);

        assertThat(s.mode()).contains("copied in/out");
        assertThat(s.allPassed()).as(s.problems().toString()).isTrue();
        assertThat(s.tests().total()).isEqualTo(3);
        assertThat(Containers.ofRun(runId)).isEmpty();
    }

    @Test
    void localShardTimeoutStopsItsProcessTreeWhileOtherShardsStreamTheirResults(@TempDir Path tmp) throws Exception {
        SelfTestOptions o = SelfTestOptions.builder(pyWorkspace(tmp.resolve("ws"), 4)).framework(Framework.CUSTOM)
                .paths(List.of("tests/*.py")).shards(2)
                .command("if [ \"$SELFTEST_SHARD_INDEX\" = 0 ]; then echo $$ > \"$SELFTEST_REPORTS_DIR/../pid\"; "
                        + "sleep 600 & echo $! > \"$SELFTEST_REPORTS_DIR/../child\"; wait; fi; " + WRITE_JUNIT)
                .timeout(Duration.ofSeconds(3)).reportDir(tmp.resolve("report")).build();
        List<Integer> finishedOrder = Collections.synchronizedList(new ArrayList<>());

        RunSummary s = new SelfTestRun(o).run(new RunListener() {
            @Override
            public void shardFinished(ShardResult result) {
                finishedOrder.add(result.index());
            }
        });

        assertThat(finishedOrder).containsExactly(1, 0);
        assertThat(s.shards().get(0).outcome()).isEqualTo(ShardOutcome.TIMEOUT);
        assertThat(s.shards().get(1).outcome()).isEqualTo(ShardOutcome.OK);
        assertThat(s.tests().total()).isEqualTo(2);
        assertThat(s.containerTimeouts()).as("no container involved").isZero();
        Path shard0 = tmp.resolve("report/shards/shard-0");
        long pid = Long.parseLong(Files.readString(shard0.resolve("pid")).trim());
        long child = Long.parseLong(Files.readString(shard0.resolve("child")).trim());
        assertThat(ProcessTree.isRunning(pid)).isFalse();
        assertThat(ProcessTree.isRunning(child)).isFalse();
    }

    @Test
    void localShardThatEscapesGroupAndCookieThenTimesOutLeavesNothingBehind(@TempDir Path tmp) throws Exception {
        assumeTrue(Cgroups.mode().enabled(), Cgroups.mode().describe());
        Escapee escapee = Escapee.create();
        String runId = "it-escape-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        try {
            SelfTestOptions o = SelfTestOptions.builder(pyWorkspace(tmp.resolve("ws"), 1)).framework(Framework.CUSTOM)
                    .paths(List.of("tests/*.py")).shards(1).runId(runId)
                    .command(escapee.command() + "; sleep 600").timeout(Duration.ofSeconds(3))
                    .reportDir(tmp.resolve("report")).build();

            RunSummary s = new SelfTestRun(o).run(new RunListener() {
                @Override
                public void note(String message) {
                    notes.add(message);
                }
            });

            assertThat(s.shards().get(0).outcome()).isEqualTo(ShardOutcome.TIMEOUT);
            assertThat(escapee.running()).as("the escaped sleep " + escapee.argument()).isEmpty();
            assertThat(Escapee.cgroupLeft(RunControl.shardCookie(runId, 0))).as("the shard's cgroup is removed").isFalse();
            assertThat(notes).anyMatch(n -> n.startsWith("local shards: stops use a cgroup per process tree"));
        } finally {
            escapee.kill();
        }
    }

    /**
     * What a shard's command leaves running when it ends by itself (a Gradle daemon, a server a test forgot to stop)
     * is stopped then, as Jenkins stops what a step leaves: one process keeps the cookie (a new session, re-parented),
     * the other escapes group and cookie and is found in the cgroup; the shard stays ok and a problem names them.
     */
    @Test
    void whatALocalShardLeavesRunningAfterItsCommandEndsIsStoppedAndNamed(@TempDir Path tmp) throws Exception {
        Escapee escapee = Escapee.create();
        String runId = "it-leftover-" + UUID.randomUUID().toString().substring(0, 8);
        String marker = "60" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
        try {
            SelfTestOptions o = SelfTestOptions.builder(pyWorkspace(tmp.resolve("ws"), 1)).framework(Framework.CUSTOM)
                    .paths(List.of("tests/*.py")).shards(1).runId(runId)
                    .command("(setsid sleep " + marker + " &); " + (Cgroups.mode().enabled() ? escapee.command() + "; " : "")
                            + WRITE_JUNIT)
                    .reportDir(tmp.resolve("report")).build();

            RunSummary s = new SelfTestRun(o).run(new RunListener() {
            });

            assertThat(s.shards().get(0).outcome()).isEqualTo(ShardOutcome.OK);
            assertThat(new Escapee(marker).running()).as("the sleep that kept the cookie").isEmpty();
            assertThat(escapee.running()).as("the escaped sleep " + escapee.argument()).isEmpty();
            assertThat(Escapee.cgroupLeft(RunControl.shardCookie(runId, 0))).as("the shard's cgroup is removed").isFalse();
            assertThat(s.problems()).anyMatch(p -> p.startsWith("shard 0 left ")
                    && p.contains("sleep " + marker) && p.contains("stopped them when its command ended"));
        } finally {
            escapee.kill();
            new Escapee(marker).kill();
        }
    }

    @Test
    void shardsRunSeparatelyFromAPlanMergeIntoOneSummary(@TempDir Path tmp) throws Exception {
        SelfTestOptions o = SelfTestOptions.builder(pyWorkspace(tmp.resolve("ws"), 5)).framework(Framework.CUSTOM)
                .paths(List.of("tests/*.py")).shards(2).command(WRITE_JUNIT).reportDir(tmp.resolve("report"))
                .history(tmp.resolve("history.jsonl")).build();
        SelfTestRun planner = new SelfTestRun(o);
        String planJson = planner.plan().toJson();

        // as the Pipeline would: each shard on "another agent" from nothing but the plan
        var plan = io.jenkins.plugins.selftest.engine.shard.ShardPlan.fromJson(planJson);
        ShardResult r1 = new SelfTestRun(o).runShard(plan, 1, RunListener.NONE);
        ShardResult r0 = new SelfTestRun(o).runShard(plan, 0, RunListener.NONE);
        RunSummary merged = planner.gather(plan, List.of(r1, r0), java.time.Instant.now(), 1.0, "local processes", 0,
                List.of(), RunListener.NONE);

        assertThat(merged.tests().total()).isEqualTo(5);
        assertThat(merged.shards()).extracting(ShardResult::index).containsExactly(0, 1);
        assertThat(merged.allPassed()).isTrue();
        assertThat(RunHistory.load(tmp.resolve("history.jsonl")).records()).hasSize(1);
    }

    @Test
    void remoteEngineOverTcpGetsTheWorkspaceCopiedInAndReportsCopiedOut(@TempDir Path tmp) throws Exception {
        Containers.assumePodman();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "tcp://127.0.0.1:" + port;
        io.jenkins.plugins.selftest.engine.process.LaunchedProcess service = io.jenkins.plugins.selftest.engine.process.ProcessLauncher.start(
                io.jenkins.plugins.selftest.engine.process.LaunchSpec.argv("podman", "system", "service", "--time=0", url)
                        .output(io.jenkins.plugins.selftest.engine.process.LaunchSpec.Output.toFile(tmp.resolve("service.log"))).build());
        try {
            var remote = io.jenkins.plugins.selftest.engine.container.ContainerRuntime.of("podman", java.util.Optional.of(url), java.util.Map.of());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!remote.exec("version").ok()) {
                assertThat(System.nanoTime()).as("podman service on " + url + " did not come up").isLessThan(deadline);
                Thread.sleep(200);
            }
            Path ws = pyWorkspace(tmp.resolve("ws"), 2);
            Files.writeString(ws.resolve("marker.txt"), "copied-in");
            String runId = "it-remote-" + UUID.randomUUID().toString().substring(0, 8);
            SelfTestOptions o = SelfTestOptions.builder(ws).framework(Framework.CUSTOM).paths(List.of("tests/*.py"))
                    .shards(2).useContainer(true).host(url).runId(runId)
                    .command("test \"$(cat marker.txt)\" = copied-in && " + WRITE_JUNIT)
                    .reportDir(tmp.resolve("report")).build();

            RunSummary s = new SelfTestRun(o).run(RunListener.NONE);

            assertThat(s.mode()).contains("engine " + url).contains("copied in/out");
            assertThat(s.allPassed()).as(s.problems().toString()).isTrue();
            assertThat(s.tests().total()).isEqualTo(2);
            assertThat(remote.list(java.util.Map.of("selftest.run", runId))).isEmpty();
        } finally {
            service.stop(io.jenkins.plugins.selftest.engine.process.Signal.TERM, Duration.ofSeconds(5));
        }
    }

    /** Runs {@code run} on a thread of its own, recording what the listener hears; the future holds what it threw. */
    private static java.util.concurrent.CompletableFuture<Throwable> runInBackground(SelfTestRun run,
            List<ShardResult> finished, List<String> notes, Thread[] thread) {
        java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
        RunListener listener = new RunListener() {
            @Override
            public void shardFinished(ShardResult result) {
                finished.add(result);
            }

            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
        thread[0] = new Thread(() -> {
            try {
                run.run(listener);
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        }, "it-run");
        thread[0].start();
        return ended;
    }

    private static List<String> runningContainers(String runId) throws IOException {
        var r = Containers.podman().exec(List.of("ps", "-q", "--filter", "label=selftest.run=" + runId), Duration.ofSeconds(30));
        return r.output().lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void abortedBuildStopsAllContainerShardsAtOnceAndCallsThemAborted(@TempDir Path tmp) throws Exception {
        Containers.assumePodman();
        String runId = "it-abort-" + UUID.randomUUID().toString().substring(0, 8);
        // the shell is PID 1 of its container and ignores SIGTERM: podman's "rm -f" alone would wait 10 s for each
        SelfTestOptions o = SelfTestOptions.builder(pyWorkspace(tmp.resolve("ws"), 2)).framework(Framework.CUSTOM)
                .paths(List.of("tests/*.py")).shards(2).useContainer(true).runId(runId)
                .command("sleep 600; " + WRITE_JUNIT).timeout(Duration.ofMinutes(10)).reportDir(tmp.resolve("report")).build();
        List<ShardResult> finished = Collections.synchronizedList(new ArrayList<>());
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        Thread[] runner = new Thread[1];
        var ended = runInBackground(new SelfTestRun(o), finished, notes, runner);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (runningContainers(runId).size() < 2 && System.nanoTime() < deadline && !ended.isDone()) {
            Thread.sleep(200);
        }
        assertThat(runningContainers(runId)).as("both shards' containers run").hasSize(2);

        long t0 = System.nanoTime();
        runner[0].interrupt(); // what an aborted build does: the remote call is cancelled, its thread interrupted
        Throwable thrown = ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        double runEnded = (System.nanoTime() - t0) / 1e9;
        while (!Containers.ofRun(runId).isEmpty() && System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(50);
        }
        double containersGone = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "abort of 2 podman shards: containers gone after %.2f s, run() returned "
                + "after %.2f s: %s%n", containersGone, runEnded, thrown);

        assertThat(Containers.ofRun(runId)).as("no container of the run is left").isEmpty();
        assertThat(containersGone).as("all containers gone within 5 s").isLessThan(5.0);
        assertThat(runEnded).as("the run ends within 5 s").isLessThan(5.0);
        assertThat(thrown).isInstanceOf(java.io.InterruptedIOException.class)
                .hasMessageMatching("run " + runId + " aborted; stopped 2 shards in \\d+\\.\\d s");
        assertThat(finished).extracting(ShardResult::outcome).containsExactly(ShardOutcome.ABORTED, ShardOutcome.ABORTED);
        assertThat(finished).allSatisfy(r -> assertThat(r.problems()).isEmpty());
        assertThat(finished).allSatisfy(r -> assertThat(r.containerFailures()).isZero());
        assertThat(String.join("\n", notes) + thrown.getMessage()).doesNotContain("interrupted while")
                .doesNotContain("could not run");
        assertThat(SelfTestRun.abortRunning(runId)).as("the report stays for a late stop call")
                .hasValueSatisfying(r -> assertThat(r.shards()).isEqualTo(2));
    }

    @Test
    void abortFromAnotherCallStopsLocalShardsAtOnce(@TempDir Path tmp) throws Exception {
        String runId = "it-abort-local-" + UUID.randomUUID().toString().substring(0, 8);
        Path started = Files.createDirectories(tmp.resolve("started"));
        // TERM is ignored by the shard's shell: the abort has to end it with KILL after its short grace
        SelfTestOptions o = SelfTestOptions.builder(pyWorkspace(tmp.resolve("ws"), 3)).framework(Framework.CUSTOM)
                .paths(List.of("tests/*.py")).shards(3).runId(runId)
                .command("trap '' TERM; touch " + started + "/$SELFTEST_SHARD_INDEX; sleep 600 & wait; sleep 600; "
                        + WRITE_JUNIT)
                .timeout(Duration.ofMinutes(10)).reportDir(tmp.resolve("report")).build();
        List<ShardResult> finished = Collections.synchronizedList(new ArrayList<>());
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        var ended = runInBackground(new SelfTestRun(o), finished, notes, new Thread[1]);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Files.list(started).count() < 3 && System.nanoTime() < deadline && !ended.isDone()) {
            Thread.sleep(100);
        }
        assertThat(Files.list(started).count()).as("all shards started").isEqualTo(3);

        AbortReport report = SelfTestRun.abortRunning(runId).orElseThrow(); // what the plugin's stop calls
        Throwable thrown = ended.get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(report.shards()).isEqualTo(3);
        assertThat(report.seconds()).as("all at once: one grace period, not three").isLessThan(4.0);
        assertThat(report.describe()).matches("aborted; stopped 3 shards in \\d+\\.\\d s");
        assertThat(thrown).isInstanceOf(java.io.InterruptedIOException.class).hasMessage("run " + runId + " " + report.describe());
        assertThat(finished).extracting(ShardResult::outcome).containsOnly(ShardOutcome.ABORTED).hasSize(3);
        assertThat(ProcessTree.cookieHolders(c -> c.startsWith(runId))).as("no process of the run is left").isEmpty();
    }
}
