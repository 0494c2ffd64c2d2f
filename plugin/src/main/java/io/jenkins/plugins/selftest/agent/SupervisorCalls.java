package io.jenkins.plugins.selftest.agent;

import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.supervisor.DaemonLauncher;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jenkins.MasterToSlaveFileCallable;

/**
 * The agent side of {@code supervisedService}: small callables run on the machine of the control directory
 * (invoked on its {@link hudson.FilePath}). Engine values cross the channel as JSON strings, so nothing but strings
 * and arrays is serialized by remoting.
 */
public final class SupervisorCalls {

    private SupervisorCalls() {
    }

    /** The agent's own Java, the engine jar copied there, the daemon's default flags. */
    static DaemonLauncher launcher(String engineJar) {
        return new DaemonLauncher(Path.of(System.getProperty("java.home"), "bin", "java"), List.of(Path.of(engineJar)),
                DaemonLauncher.DEFAULT_JVM_FLAGS, DaemonLauncher.DEFAULT_ENVIRONMENT);
    }

    /** Writes the spec and starts a detached supervisor daemon. */
    public static final class Launch extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;
        private final String specJson;
        private final String engineJar;
        private final String workspace;

        public Launch(String specJson, String engineJar) {
            this(specJson, engineJar, null);
        }

        /**
         * @param workspace created first when missing (as {@code sh} does with {@code FilePath.mkdirs}): a new job's
         *                  first step finds no workspace yet, and the services run in it; {@code null}: none to create
         */
        public Launch(String specJson, String engineJar, String workspace) {
            this.specJson = specJson;
            this.engineJar = engineJar;
            this.workspace = workspace;
        }

        @Override
        public Void invoke(File dir, VirtualChannel channel) throws IOException {
            if (workspace != null) {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(workspace));
            }
            SupervisorClient.launch(dir.toPath(), Json.read(specJson, SupervisorSpec.class), launcher(engineJar));
            return null;
        }
    }

    /**
     * Starts the replacement daemon with {@code --resume} when the old one's heartbeat went stale, unless a daemon
     * runs or another caller's replacement is starting ({@link SupervisorClient#resume}); true when it started one.
     */
    public static final class Resume extends MasterToSlaveFileCallable<Boolean> {
        private static final long serialVersionUID = 1L;
        private final String engineJar;

        public Resume(String engineJar) {
            this.engineJar = engineJar;
        }

        @Override
        public Boolean invoke(File dir, VirtualChannel channel) throws IOException {
            SupervisorClient client = SupervisorClient.open(dir.toPath());
            return client.isStale() && client.resume(launcher(engineJar)).isPresent();
        }
    }

    /**
     * For {@link StaleSupervisorReaper}: stops everything under a control directory whose build is gone
     * ({@link SupervisorClient#stopOrKill}): the stop request, then, if no daemon answers within the grace, the
     * service trees by cookie. Returns what happened, in words.
     */
    public static final class Reap extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final long graceMillis;

        public Reap(Duration grace) {
            this.graceMillis = grace.toMillis();
        }

        @Override
        public String invoke(File dir, VirtualChannel channel) throws IOException, InterruptedException {
            if (!dir.isDirectory()) {
                return "control directory no longer exists";
            }
            return SupervisorClient.open(dir.toPath()).stopOrKill(Duration.ofMillis(graceMillis)).describe();
        }
    }

    /**
     * State, new log lines and staleness in one round trip. Only complete lines are returned (a chunk is cut after
     * its last newline), unless a single line is longer than the chunk.
     */
    public static final class Poll extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final String[] services;
        private final long[] offsets;
        private final int maxBytes;

        public Poll(List<String> services, long[] offsets, int maxBytes) {
            this.services = services.toArray(String[]::new);
            this.offsets = offsets.clone();
            this.maxBytes = maxBytes;
        }

        @Override
        public String invoke(File dir, VirtualChannel channel) throws IOException {
            SupervisorClient client = SupervisorClient.open(dir.toPath());
            List<List<String>> lines = new ArrayList<>();
            List<Long> next = new ArrayList<>();
            for (int i = 0; i < services.length; i++) {
                SupervisorClient.LogChunk chunk = client.readLog(services[i], offsets[i], maxBytes);
                byte[] bytes = chunk.bytes();
                int end = lastNewline(bytes);
                if (end < 0 && bytes.length < maxBytes) {
                    lines.add(List.of());
                    next.add(chunk.rotated() ? 0L : offsets[i]);
                    continue;
                }
                int cut = end < 0 ? bytes.length : end + 1;
                String text = new String(bytes, 0, cut, StandardCharsets.UTF_8);
                lines.add(text.lines().toList());
                long base = chunk.nextOffset() - bytes.length;
                next.add(base + cut);
            }
            Optional<SupervisorState> state = client.state();
            long age = client.heartbeatAge().map(Duration::toMillis).orElse(-1L);
            return Json.write(new PollResult(state, lines, next, client.isStale(), age));
        }

        private static int lastNewline(byte[] b) {
            for (int i = b.length - 1; i >= 0; i--) {
                if (b[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * Asks the daemon to stop everything and waits up to {@code waitMillis}; returns the final state as JSON, or ""
     * when the daemon never wrote one.
     */
    public static final class Stop extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final long waitMillis;
        private final String engineJar;

        public Stop(Duration wait, String engineJar) {
            this.waitMillis = wait.toMillis();
            this.engineJar = engineJar;
        }

        @Override
        public String invoke(File dir, VirtualChannel channel) throws IOException, InterruptedException {
            SupervisorClient client = SupervisorClient.open(dir.toPath());
            client.requestStop();
            boolean stopped = client.awaitStopped(Duration.ofMillis(waitMillis));
            if (!stopped && client.isStale()) {
                // no daemon to act on the request: a resumed one stops everything it adopts, then exits
                client.resume(launcher(engineJar));
                client.awaitStopped(Duration.ofMillis(waitMillis));
            }
            return client.state().map(Json::write).orElse("");
        }
    }
}
