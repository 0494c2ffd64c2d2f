package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.run.SelfTestRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged CLI as its own process: killed with SIGKILL mid-run, stopped with SIGINT. */
class CleanupCommandIT {

    private static final Path JAR = Path.of("target", "selftest.jar").toAbsolutePath();

    private static Process start(Path ws, Path log, String... extra) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("java", "-jar", JAR.toString()));
        argv.addAll(List.of(extra));
        return Cli.fromATerminal(argv).directory(ws.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void cleanupAfterARunKilledWithSigkillLeavesNoLabelledContainer(@TempDir Path tmp) throws Exception {
        Cli.assumePodman();
        assertThat(JAR).exists();
        Path ws = Cli.workspace(tmp.resolve("ws"), 2);
        String runId = "it-kill-" + UUID.randomUUID().toString().substring(0, 8);
        Process cli = start(ws, tmp.resolve("cli.log"), "run", "--use-container", "--framework", "custom",
                "--command", "sleep 600", "--run-id", runId, "--report-dir", tmp.resolve("report").toString());
        try {
            Cli.waitUntil(Duration.ofSeconds(60), () -> Cli.containersOfRun(runId).size() == 2);
            cli.destroyForcibly(); // SIGKILL: no shutdown hook runs
            cli.waitFor(10, TimeUnit.SECONDS);
            assertThat(Cli.containersOfRun(runId)).as("orphaned by the kill").hasSize(2);

            Cli.Result r = Cli.run("cleanup", "--retries", "2", "--run", runId);

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("removed 2 container(s)");
            assertThat(Cli.containersOfRun(runId)).isEmpty();
        } finally {
            cli.destroyForcibly();
            Cli.run("cleanup", "--run", runId);
        }
    }

    @Test
    void cleanupWithoutRunKeepsTheContainersOfALiveRunAndRemovesThoseOfADeadOne(@TempDir Path tmp) throws Exception {
        Cli.assumePodman();
        assertThat(JAR).exists();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String live = "it-live-" + suffix;
        String dead = "it-dead-" + suffix;
        // both owners are this test's children; the labels of their containers name them
        Process liveCli = start(Cli.workspace(tmp.resolve("live"), 1), tmp.resolve("live.log"), "run", "--use-container",
                "--shards", "1", "--framework", "custom", "--command", "sleep 600", "--run-id", live,
                "--report-dir", tmp.resolve("live-report").toString());
        Process deadCli = start(Cli.workspace(tmp.resolve("dead"), 1), tmp.resolve("dead.log"), "run", "--use-container",
                "--shards", "1", "--framework", "custom", "--command", "sleep 600", "--run-id", dead,
                "--report-dir", tmp.resolve("dead-report").toString());
        try {
            Cli.waitUntil(Duration.ofSeconds(90),
                    () -> Cli.containersOfRun(live).size() == 1 && Cli.containersOfRun(dead).size() == 1);
            deadCli.destroyForcibly(); // SIGKILL: its container is orphaned
            deadCli.waitFor(10, TimeUnit.SECONDS);

            Cli.Result r = Cli.run("cleanup", "--retries", "2");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(Cli.containersOfRun(dead)).as("the dead run's container").isEmpty();
            assertThat(Cli.containersOfRun(live)).as("the live run's container").hasSize(1);
            assertThat(r.out()).contains("kept container").contains("(run " + live + "): its run is alive (pid " + liveCli.pid() + ")");
            assertThat(liveCli.isAlive()).as("the live run goes on").isTrue();

            assertThat(Cli.run("cleanup", "--all", "--run", live).exit()).as("--all and --run together")
                    .isEqualTo(SelftestCommand.EXIT_USAGE);
            assertThat(Cli.run("cleanup", "--run", live).exit()).as("--run removes a live run's containers").isZero();
            assertThat(Cli.containersOfRun(live)).isEmpty();
        } finally {
            liveCli.destroyForcibly();
            deadCli.destroyForcibly();
            Cli.run("cleanup", "--run", live);
            Cli.run("cleanup", "--run", dead);
        }
    }

    @Test
    void runScheduledStopsCleanlyOnSigint(@TempDir Path tmp) throws Exception {
        Cli.assumePodman();
        Path ws = Cli.workspace(tmp.resolve("ws"), 2);
        String runId = "it-int-" + UUID.randomUUID().toString().substring(0, 8);
        Path log = tmp.resolve("cli.log");
        Process cli = start(ws, log, "run-scheduled", "--interval", "1h", "--use-container", "--framework", "custom",
                "--command", "sleep 600", "--run-id", runId, "--report-dir", tmp.resolve("report").toString());
        try {
            Cli.waitUntil(Duration.ofSeconds(60), () -> Cli.containersOfRun(runId).size() == 2);
            new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();

            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("exits after Ctrl-C").isTrue();
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("run-scheduled: stopped");
            assertThat(Cli.containersOfRun(runId)).as("its containers are removed").isEmpty();
        } finally {
            cli.destroyForcibly();
            Cli.run("cleanup", "--run", runId);
        }
    }

    @Test
    void ctrlCOnARunStopsItsLocalShardsProcessTrees(@TempDir Path tmp) throws Exception {
        assertThat(JAR).exists();
        Path ws = Cli.workspace(tmp.resolve("ws"), 2);
        Path report = tmp.resolve("report");
        Process cli = start(ws, tmp.resolve("cli.log"), "run", "--framework", "custom", "--command",
                "echo $$ > \"$SELFTEST_REPORTS_DIR/../pid\"; sleep 600", "--report-dir", report.toString());
        try {
            Path pid0 = report.resolve("shards/shard-0/pid");
            Path pid1 = report.resolve("shards/shard-1/pid");
            Cli.waitUntil(Duration.ofSeconds(60), () -> Files.exists(pid0) && Files.exists(pid1)
                    && !Files.readString(pid0).isBlank() && !Files.readString(pid1).isBlank());
            new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();

            assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (Path p : List.of(pid0, pid1)) {
                long pid = Long.parseLong(Files.readString(p).strip());
                // gone, or a zombie waiting for init to reap it (the CLI that was its parent has exited): not running
                Cli.waitUntil(Duration.ofSeconds(10),
                        () -> !io.jenkins.plugins.selftest.engine.process.ProcessTree.isRunning(pid));
            }
        } finally {
            cli.destroyForcibly();
        }
    }

    @Test
    void cleanupStopsTheLocalShardTreesOfARunKilledWithSigkillAndLeavesALiveRunsAlone(@TempDir Path tmp) throws Exception {
        assertThat(JAR).exists();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String live = "it-live-local-" + suffix;
        String dead = "it-dead-local-" + suffix;
        String slowShard = "echo $$ > \"$SELFTEST_REPORTS_DIR/../pid\"; sleep 600";
        Process liveCli = start(Cli.workspace(tmp.resolve("live"), 1), tmp.resolve("live.log"), "run", "--shards", "1",
                "--framework", "custom", "--command", slowShard, "--run-id", live, "--report-dir", tmp.resolve("live-report").toString());
        Process deadCli = start(Cli.workspace(tmp.resolve("dead"), 1), tmp.resolve("dead.log"), "run", "--shards", "1",
                "--framework", "custom", "--command", slowShard, "--run-id", dead, "--report-dir", tmp.resolve("dead-report").toString());
        Path livePid = tmp.resolve("live-report/shards/shard-0/pid");
        Path deadPid = tmp.resolve("dead-report/shards/shard-0/pid");
        try {
            Cli.waitUntil(Duration.ofSeconds(90), () -> Files.exists(livePid) && Files.exists(deadPid)
                    && !Files.readString(livePid).isBlank() && !Files.readString(deadPid).isBlank());
            long liveShard = Long.parseLong(Files.readString(livePid).strip());
            long deadShard = Long.parseLong(Files.readString(deadPid).strip());
            deadCli.destroyForcibly(); // SIGKILL: no shutdown hook stops its shard, which has no timeout of its own
            deadCli.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(500);
            assertThat(ProcessTree.isRunning(deadShard)).as("orphaned by the kill").isTrue();

            Cli.Result r = Cli.run("cleanup", "--retries", "0");

            assertThat(r.out()).contains("stopped local shard tree " + dead + "/shard-0 (its run's owner is gone)")
                    .doesNotContain(live + "/shard-");
            Cli.waitUntil(Duration.ofSeconds(10), () -> !ProcessTree.isRunning(deadShard));
            assertThat(ProcessTree.cookieHolders(c -> c.startsWith(dead + "/"))).as("nothing of the dead run").isEmpty();
            assertThat(ProcessTree.isRunning(liveShard)).as("the live run's shard").isTrue();
            assertThat(liveCli.isAlive()).as("the live run goes on").isTrue();
        } finally {
            liveCli.destroyForcibly();
            deadCli.destroyForcibly();
            SelfTestRun.stopLocalShards(live, Duration.ofSeconds(1));
            SelfTestRun.stopLocalShards(dead, Duration.ofSeconds(1));
        }
    }
}
