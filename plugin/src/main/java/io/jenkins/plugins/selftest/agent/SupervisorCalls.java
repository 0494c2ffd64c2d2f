package io.jenkins.plugins.selftest.agent;

import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.supervisor.DaemonLauncher;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient.LogChunk;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jenkins.MasterToSlaveFileCallable;

/**
 * The agent side of {@code supervisedService}: one callable per call, each run on the machine of the control
 * directory (invoked on its {@link hudson.FilePath}, through {@link AgentLink}) and returning a serializable value.
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
        /** The spec as JSON: the engine's values are not {@link java.io.Serializable}. */
        private final String specJson;
        private final String engineJar;
        private final String workspace;

        /**
         * @param workspace created first when missing (as {@code sh} does with {@code FilePath.mkdirs}): a new job's
         *                  first step finds no workspace yet, and the services run in it; {@code null}: none to create
         */
        public Launch(SupervisorSpec spec, String engineJar, String workspace) {
            this.specJson = Json.write(spec);
            this.engineJar = engineJar;
            this.workspace = workspace;
        }

        @Override
        public Void invoke(File dir, VirtualChannel channel) throws IOException {
            if (workspace != null) {
                Files.createDirectories(Path.of(workspace));
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
    public static final class Poll extends MasterToSlaveFileCallable<PollResult> {
        private static final long serialVersionUID = 1L;
        private final String[] services;
        private final long[] offsets;
        private final int maxBytes;

        /**
         * @param services the services whose logs to read
         * @param offsets  per service, where its log was read up to
         * @param maxBytes the most to read of one log
         */
        public Poll(List<String> services, long[] offsets, int maxBytes) {
            this.services = services.toArray(String[]::new);
            this.offsets = offsets.clone();
            this.maxBytes = maxBytes;
        }

        @Override
        public PollResult invoke(File dir, VirtualChannel channel) throws IOException {
            SupervisorClient client = SupervisorClient.open(dir.toPath());
            List<LogChunk> logs = new ArrayList<>();
            for (int i = 0; i < services.length; i++) {
                logs.add(completeLines(client.readLog(services[i], offsets[i], maxBytes), offsets[i]));
            }
            Optional<SupervisorState> state = client.state();
            long age = client.heartbeatAge().map(Duration::toMillis).orElse(-1L);
            return new PollResult(state, logs, client.isStale(), age);
        }

        /** {@code chunk} cut after its last newline; nothing (and the offset kept) while a line is still written. */
        private LogChunk completeLines(LogChunk chunk, long offset) {
            byte[] bytes = chunk.bytes();
            int end = lastNewline(bytes);
            if (end < 0 && bytes.length < maxBytes) {
                return new LogChunk(new byte[0], chunk.rotated() ? 0L : offset, chunk.rotated());
            }
            int cut = end < 0 ? bytes.length : end + 1;
            long base = chunk.nextOffset() - bytes.length;
            return new LogChunk(Arrays.copyOf(bytes, cut), base + cut, chunk.rotated());
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
     * Asks the daemon to stop everything, waits up to {@code wait} for it, and returns the last poll: the final state
     * (empty when the daemon never wrote one) and the last lines.
     */
    public static final class Stop extends MasterToSlaveFileCallable<PollResult> {
        private static final long serialVersionUID = 1L;
        private final long waitMillis;
        private final String engineJar;
        private final Poll last;

        /** @param last the poll to run once the services stopped */
        public Stop(Duration wait, String engineJar, Poll last) {
            this.waitMillis = wait.toMillis();
            this.engineJar = engineJar;
            this.last = last;
        }

        @Override
        public PollResult invoke(File dir, VirtualChannel channel) throws IOException, InterruptedException {
            SupervisorClient client = SupervisorClient.open(dir.toPath());
            client.requestStop();
            boolean stopped = client.awaitStopped(Duration.ofMillis(waitMillis));
            if (!stopped && client.isStale()) {
                // no daemon to act on the request: a resumed one stops everything it adopts, then exits
                client.resume(launcher(engineJar));
                client.awaitStopped(Duration.ofMillis(waitMillis));
            }
            return last.invoke(dir, channel);
        }
    }
}
