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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jenkins.MasterToSlaveFileCallable;

/**
 * The agent side of {@code supervisedService}: one callable per call, each run on the machine of the control
 * directory (invoked on its {@link hudson.FilePath}, through {@link AgentLink}) and returning a serializable value.
 */
public final class SupervisorCalls {

    private SupervisorCalls() {
    }

    /**
     * The agent's own Java, the engine jar copied there, the daemon's default flags, and the build's environment as
     * the daemon's own ({@link DaemonLauncher#withInherited}): its services inherit it, and no file holds it.
     */
    static DaemonLauncher launcher(String engineJar, Map<String, String> inherited) {
        return new DaemonLauncher(Path.of(System.getProperty("java.home"), "bin", "java"), List.of(Path.of(engineJar)),
                DaemonLauncher.DEFAULT_JVM_FLAGS, DaemonLauncher.DEFAULT_ENVIRONMENT).withInherited(inherited);
    }

    /**
     * Writes the spec and starts a detached supervisor daemon. The build's environment (credentials bindings
     * included) travels in this callable only, in memory, and becomes the daemon's environment; {@code spec.json}
     * holds only the services' declared {@code env}.
     */
    public static final class Launch extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;
        /** The spec as JSON: the engine's values are not {@link java.io.Serializable}. */
        private final String specJson;
        private final String engineJar;
        private final String workspace;
        private final HashMap<String, String> inherited;

        /**
         * @param workspace created first when missing (as {@code sh} does with {@code FilePath.mkdirs}): a new job's
         *                  first step finds no workspace yet, and the services run in it; {@code null}: none to create
         * @param inherited the build's environment, the base of every service's; never written to disk
         */
        public Launch(SupervisorSpec spec, String engineJar, String workspace, Map<String, String> inherited) {
            this.specJson = Json.write(spec);
            this.engineJar = engineJar;
            this.workspace = workspace;
            this.inherited = new HashMap<>(inherited);
        }

        @Override
        public Void invoke(File dir, VirtualChannel channel) throws IOException {
            if (workspace != null) {
                Files.createDirectories(Path.of(workspace));
            }
            SupervisorClient.launch(dir.toPath(), Json.read(specJson, SupervisorSpec.class), launcher(engineJar, inherited));
            return null;
        }
    }

    /**
     * Starts the replacement daemon with {@code --resume} when the old one's heartbeat went stale, unless a daemon
     * runs or another caller's replacement is starting ({@link SupervisorClient#resume}); true when it started one.
     * The replacement's environment, which services it starts anew inherit, is {@code inherited}, as in {@link Launch}.
     */
    public static final class Resume extends MasterToSlaveFileCallable<Boolean> {
        private static final long serialVersionUID = 1L;
        private final String engineJar;
        private final HashMap<String, String> inherited;

        public Resume(String engineJar, Map<String, String> inherited) {
            this.engineJar = engineJar;
            this.inherited = new HashMap<>(inherited);
        }

        @Override
        public Boolean invoke(File dir, VirtualChannel channel) throws IOException {
            SupervisorClient client = SupervisorClient.open(dir.toPath());
            return client.isStale() && client.resume(launcher(engineJar, inherited)).isPresent();
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
            Optional<SupervisorState> state = client.readableState();
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
        private final HashMap<String, String> inherited;

        /**
         * @param last      the poll to run once the services stopped
         * @param inherited the environment of a replacement daemon, when one must be started to stop the services
         */
        public Stop(Duration wait, String engineJar, Poll last, Map<String, String> inherited) {
            this.waitMillis = wait.toMillis();
            this.engineJar = engineJar;
            this.last = last;
            this.inherited = new HashMap<>(inherited);
        }

        @Override
        public PollResult invoke(File dir, VirtualChannel channel) throws IOException, InterruptedException {
            SupervisorClient client = SupervisorClient.open(dir.toPath());
            client.requestStop();
            boolean stopped = client.awaitStopped(Duration.ofMillis(waitMillis));
            if (!stopped && client.isStale()) {
                // no daemon to act on the request: a resumed one stops everything it adopts, then exits
                client.resume(launcher(engineJar, inherited));
                client.awaitStopped(Duration.ofMillis(waitMillis));
            }
            return last.invoke(dir, channel);
        }
    }

    /**
     * Deletes the control directory of services that stopped ({@link SupervisorClient#remove}); false, keeping it,
     * while a daemon still runs on it.
     */
    public static final class Remove extends MasterToSlaveFileCallable<Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean invoke(File dir, VirtualChannel channel) throws IOException {
            return SupervisorClient.open(dir.toPath()).remove();
        }
    }
}
