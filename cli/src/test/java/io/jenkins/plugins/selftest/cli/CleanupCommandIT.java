package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
