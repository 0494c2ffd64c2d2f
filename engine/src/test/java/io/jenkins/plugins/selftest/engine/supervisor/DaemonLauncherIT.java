package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret in the environment a daemon inherits ({@link DaemonLauncher#withInherited}): its services see it, in runs
 * started by the first daemon and by a replacement started with {@code --resume}, and no file under the control
 * directory holds it; once stopped, {@link SupervisorClient#remove} leaves nothing.
 */
class DaemonLauncherIT {

    private static final String SECRET = "s3cr3t-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path tmp;
    private SupervisorClient client;

    /** Whatever a failed test left running: the reapers' own stop (a gone directory is a no-op). */
    @AfterEach
    void cleanUp() throws Exception {
        if (client != null) {
            client.stopOrKill(Duration.ofSeconds(5));
        }
    }

    @Test
    void inheritedSecretReachesServicesOfTheDaemonAndItsReplacementButNoFile() throws Exception {
        Path next = tmp.resolve("next-run");
        // each run proves it sees the secret without printing it (its log is in the control directory), then waits
        ServiceSpec hasher = ServiceSpec.shell("hasher", "printf %s \"$DB_PASSWORD\" | sha256sum | cut -c1-64; "
                + "while [ ! -f " + next + " ]; do sleep 0.05; done; rm -f " + next + "; exit 1")
                .restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).env("PORT", "5432").build();
        SupervisorSpec spec = new SupervisorSpec(List.of(hasher), Duration.ofMillis(300), Duration.ofSeconds(1));
        DaemonLauncher launcher = DaemonLauncher.currentJvm().withInherited(Map.of("DB_PASSWORD", SECRET));

        client = SupervisorClient.launch(tmp.resolve("ctl"), spec, launcher);
        await("the first run's line", Duration.ofSeconds(30), () -> log().size() == 1);

        killAndResume(launcher);
        Files.writeString(next, "");
        await("a run started by the replacement", Duration.ofSeconds(30), () -> log().size() == 2);

        assertThat(log()).as("what each run saw").containsExactly(sha256(SECRET), sha256(SECRET));
        assertThat(filesContaining(SECRET)).as("files holding the secret").isEmpty();
        assertThat(client.controlDirectory().readJson("spec.json", SupervisorSpec.class).orElseThrow().services().get(0)
                .env()).as("spec.json: the declared env only").isEqualTo(Map.of("PORT", "5432"));

        client.requestStop();
        assertThat(client.awaitStopped(Duration.ofSeconds(20))).isTrue();
        assertThat(filesContaining(SECRET)).isEmpty();
        assertThat(client.remove()).isTrue();
        assertThat(client.controlDirectory().path()).doesNotExist();
    }

    @Test
    void removeKeepsTheDirectoryWhileADaemonRunsOnIt() throws Exception {
        client = SupervisorClient.launch(tmp.resolve("ctl"), new SupervisorSpec(List.of(ServiceSpec.shell("s", "sleep 300")
                .build()), Duration.ofMillis(300), Duration.ofSeconds(1)), DaemonLauncher.currentJvm());
        await("running", Duration.ofSeconds(30), () -> client.controlDirectory().locked());

        assertThat(client.remove()).isFalse();
        assertThat(client.controlDirectory().path()).isDirectory();
    }

    /**
     * The daemon lives as long as its services, so it keeps Jackson's data binding (about 700 classes, 10 MiB) out:
     * what it reads and writes in the control directory goes through {@code Json}, on jackson-core alone. Checked on the classes two
     * real daemons load, the first and its replacement, while services start, turn ready, crash and are restarted,
     * the replacement resumes from the files and all stop.
     */
    @Test
    void theDaemonAndItsReplacementNeverLoadTheDataBinding() throws Exception {
        Path classes = tmp.resolve("classes");
        Files.createDirectories(classes);
        DaemonLauncher current = DaemonLauncher.currentJvm();
        List<String> flags = new ArrayList<>(current.jvmFlags());
        flags.add("-Xlog:class+load=info:file=" + classes.resolve("daemon-%p.log"));
        DaemonLauncher logging = new DaemonLauncher(current.java(), current.classpath(), flags, current.environment());
        SupervisorSpec spec = new SupervisorSpec(List.of(
                ServiceSpec.shell("web", "echo listening; exec sleep 300").ready(Readiness.log("listening")).build(),
                ServiceSpec.shell("crasher", "sleep 0.2; exit 3").restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE)
                        .maxRestarts(-1).build()), Duration.ofMillis(300), Duration.ofSeconds(1));

        client = SupervisorClient.launch(tmp.resolve("ctl"), spec, logging);
        await("web ready, crasher restarted", Duration.ofSeconds(30), () -> client.readableState()
                .map(s -> s.service("web").orElseThrow().state() == ServiceState.READY
                        && s.service("crasher").orElseThrow().restarts() >= 2).orElse(false));
        killAndResume(logging);
        await("the replacement restarts the crasher", Duration.ofSeconds(30), () -> client.readableState()
                .map(s -> s.service("crasher").orElseThrow().restarts() >= 4).orElse(false));
        client.requestStop();
        assertThat(client.awaitStopped(Duration.ofSeconds(20))).isTrue();

        List<Path> logs;
        try (Stream<Path> files = Files.list(classes)) {
            logs = files.toList();
        }
        assertThat(logs).as("a class log of each daemon").hasSize(2);
        for (Path log : logs) {
            String loaded = Files.readString(log);
            assertThat(loaded).as(log.toString()).contains(SupervisorDaemon.class.getName())
                    .contains("json.RecordJson").contains("jackson.core.JsonFactory");
            assertThat(loaded.lines().filter(l -> l.contains(".jackson.databind.")).limit(3))
                    .as("data-binding classes loaded by " + log.getFileName()).isEmpty();
        }
    }

    /** Kills the daemon, waits until its heartbeat is stale, and resumes it with {@code launcher}. */
    private void killAndResume(DaemonLauncher launcher) throws Exception {
        long daemon = client.owner().orElseThrow().pid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("heartbeat stale", Duration.ofSeconds(10), () -> {
            try {
                return !ProcessTree.isRunning(daemon) && client.isStale();
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(client.resume(launcher)).isPresent();
        await("the replacement runs", Duration.ofSeconds(30), () -> {
            try {
                return client.ownerAlive() && client.owner().orElseThrow().pid() != daemon;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private List<String> log() {
        try {
            Path f = client.controlDirectory().logFile("hasher");
            return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private List<Path> filesContaining(String text) throws IOException {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(client.controlDirectory().path())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text)) {
                    hits.add(f);
                }
            }
        }
        return hits;
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
