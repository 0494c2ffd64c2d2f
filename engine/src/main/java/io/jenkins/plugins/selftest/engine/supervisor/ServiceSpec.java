package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.process.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One supervised service. Immutable; round-trips through {@link io.jenkins.plugins.selftest.engine.json.Json}.
 * Build one with {@link #builder(String, List)} or {@link #shell(String, String)}; {@link SpecParser} reads spec files.
 *
 * @param name             unique within a supervisor; letters, digits, {@code . _ -} (it names the log file)
 * @param command          argv; a shell string is {@code [/bin/sh, -c, string]}
 * @param workingDir       directory to start in; default the supervisor's
 * @param env              variables added to the supervisor's environment
 * @param restart          restart policy; default {@link RestartPolicy#ON_FAILURE}
 * @param successExitCodes exit codes that {@code on-failure} treats as success; default {@code [0]}
 * @param maxRestarts      at most this many restarts within {@code restartWindow}, then the service gives up;
 *                         {@code -1} for no limit; default 5
 * @param restartWindow    the window of {@code maxRestarts} (systemd's StartLimitIntervalSec); {@code 0} means the
 *                         whole life of the supervisor; default 60 s
 * @param backoff          delay before restarts; default {@link Backoff#DEFAULT}
 * @param startSeconds     a run counts as started only after staying up this long (supervisord's startsecs); an exit
 *                         before is a failed start; default 0
 * @param ready            readiness probes; none means ready as soon as started
 * @param dependsOn        services that must be ready before this one starts
 * @param stopSignal       first signal of a stop; default TERM
 * @param stopTimeout      grace between the stop signal and KILL; default 10 s
 * @param logMaxBytes      size at which the log is rotated; default 10 MiB
 * @param logKeep          rotated files kept ({@code name.log.1} ...); default 3
 * @param container        present for a container service: its image, ports and volumes; {@code command} is then the
 *                         container's argv (empty: the image's own) and {@code env} goes into the container
 * @param port             a TCP port for this service: {@link #AUTO_PORT} ({@code port: 'auto'}) for a free one that
 *                         no other build on this machine holds, or a fixed number; a process service finds it in
 *                         {@code $PORT}, a container service listens on it inside too ({@code $PORT}, published as
 *                         the same number)
 */
public record ServiceSpec(String name, List<String> command, Optional<String> workingDir, Map<String, String> env,
                          RestartPolicy restart, Set<Integer> successExitCodes, int maxRestarts,
                          Duration restartWindow, Backoff backoff, Duration startSeconds, Optional<Readiness> ready,
                          List<String> dependsOn, Signal stopSignal, Duration stopTimeout, long logMaxBytes,
                          int logKeep, Optional<ContainerPart> container, Optional<Integer> port) {

    public static final int DEFAULT_MAX_RESTARTS = 5;
    public static final Duration DEFAULT_RESTART_WINDOW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_LOG_MAX_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_LOG_KEEP = 3;
    /** {@link #port} of {@code port: 'auto'}: a free port allocated for this build. */
    public static final int AUTO_PORT = 0;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        command = List.copyOf(command);
        workingDir = workingDir == null ? Optional.empty() : workingDir;
        env = env == null ? Map.of() : Map.copyOf(env);
        restart = restart == null ? RestartPolicy.ON_FAILURE : restart;
        successExitCodes = successExitCodes == null || successExitCodes.isEmpty() ? Set.of(0) : Set.copyOf(successExitCodes);
        restartWindow = restartWindow == null ? DEFAULT_RESTART_WINDOW : restartWindow;
        backoff = backoff == null ? Backoff.DEFAULT : backoff;
        startSeconds = startSeconds == null ? Duration.ZERO : startSeconds;
        ready = ready == null ? Optional.empty() : ready;
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        stopSignal = stopSignal == null ? Signal.TERM : stopSignal;
        stopTimeout = stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout;
        container = container == null ? Optional.empty() : container;
        port = port == null ? Optional.empty() : port;
    }

    /** Whether it runs as a container ({@link #container} is present). */
    public boolean containerized() {
        return container.isPresent();
    }

    /** A service with defaults for everything but name and argv. */
    public static Builder builder(String name, List<String> argv) {
        return new Builder(name, argv);
    }

    /** A container service of {@code image} with defaults, running the image's own command. */
    public static Builder container(String name, ContainerPart image) {
        return new Builder(name, List.of()).container(image);
    }

    /** A service with defaults running {@code /bin/sh -c script}. */
    public static Builder shell(String name, String script) {
        return new Builder(name, List.of("/bin/sh", "-c", script));
    }

    /** Problems of this service alone, each naming the field under {@code path} and how to fix it. */
    List<String> problems(String path) {
        List<String> problems = new ArrayList<>();
        if (!NAME.matcher(name).matches()) {
            problems.add(path + ".name: '" + name + "' is not a valid name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (container.isEmpty() && (command.isEmpty() || command.get(0).isBlank())) {
            problems.add(path + ".command: must not be empty: give a shell string or an argv list");
        }
        container.ifPresent(c -> {
            problems.addAll(c.problems(path));
            workingDir.ifPresent(w -> problems.add(path + ".workingDir: applies to process services only: a container"
                    + " starts in its image's WORKDIR; remove workingDir or the image"));
        });
        port.filter(p -> p != AUTO_PORT && (p < 1 || p > 65_535))
                .ifPresent(p -> problems.add(path + ".port: " + p + " is not a TCP port: use 'auto' or 1 to 65535"));
        ready.ifPresent(r -> {
            if (container.isEmpty() && (r.exec().isPresent() || r.healthcheck())) {
                problems.add(path + ".ready." + (r.exec().isPresent() ? "exec" : "healthcheck")
                        + ": applies to container services only: give an image, or use ready.command");
            }
            boolean ownPort = r.port().filter(p -> p == AUTO_PORT).isPresent() || r.http().filter(u -> u.startsWith("/")).isPresent();
            if (ownPort && port.isEmpty() && container.map(c -> c.ports().isEmpty()).orElse(true)) {
                problems.add(path + ".ready: " + (r.http().filter(u -> u.startsWith("/")).isPresent() ? "http: a path" : "port: 'auto'")
                        + " means the service's own port, but it has none: set port: 'auto'"
                        + (container.isPresent() ? " or ports" : "") + ", or give a full URL or port number");
            }
        });
        if (maxRestarts < -1) {
            problems.add(path + ".maxRestarts: " + maxRestarts + " is not allowed: use -1 (no limit) or 0 or more");
        }
        if (restartWindow.isNegative()) {
            problems.add(path + ".restartWindow: must not be negative");
        }
        if (startSeconds.isNegative()) {
            problems.add(path + ".startSeconds: must not be negative");
        }
        if (stopTimeout.isNegative()) {
            problems.add(path + ".stopTimeout: must not be negative");
        }
        if (logMaxBytes < 1024) {
            problems.add(path + ".logMaxBytes: " + logMaxBytes + " is too small: use at least 1024 (e.g. 10MB)");
        }
        if (logKeep < 0) {
            problems.add(path + ".logKeep: " + logKeep + " must be 0 or more");
        }
        if (dependsOn.contains(name)) {
            problems.add(path + ".dependsOn: '" + name + "' depends on itself: remove it from dependsOn");
        }
        ready.ifPresent(r -> problems.addAll(r.problems(path + ".ready")));
        return problems;
    }

    /** Builder with the defaults of the record's documentation. */
    public static final class Builder {
        private final String name;
        private final List<String> command;
        private String workingDir;
        private final Map<String, String> env = new LinkedHashMap<>();
        private RestartPolicy restart = RestartPolicy.ON_FAILURE;
        private Set<Integer> successExitCodes = Set.of(0);
        private int maxRestarts = DEFAULT_MAX_RESTARTS;
        private Duration restartWindow = DEFAULT_RESTART_WINDOW;
        private Backoff backoff = Backoff.DEFAULT;
        private Duration startSeconds = Duration.ZERO;
        private Readiness ready;
        private List<String> dependsOn = List.of();
        private Signal stopSignal = Signal.TERM;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private long logMaxBytes = DEFAULT_LOG_MAX_BYTES;
        private int logKeep = DEFAULT_LOG_KEEP;
        private ContainerPart container;
        private Integer port;

        private Builder(String name, List<String> command) {
            this.name = name;
            this.command = List.copyOf(command);
        }

        public Builder workingDir(String dir) {
            this.workingDir = dir;
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder restart(RestartPolicy value) {
            this.restart = value;
            return this;
        }

        public Builder successExitCodes(Set<Integer> value) {
            this.successExitCodes = value;
            return this;
        }

        public Builder maxRestarts(int value) {
            this.maxRestarts = value;
            return this;
        }

        public Builder restartWindow(Duration value) {
            this.restartWindow = value;
            return this;
        }

        public Builder backoff(Backoff value) {
            this.backoff = value;
            return this;
        }

        public Builder startSeconds(Duration value) {
            this.startSeconds = value;
            return this;
        }

        public Builder ready(Readiness value) {
            this.ready = value;
            return this;
        }

        public Builder dependsOn(String... names) {
            this.dependsOn = List.of(names);
            return this;
        }

        public Builder dependsOn(List<String> names) {
            this.dependsOn = List.copyOf(names);
            return this;
        }

        public Builder stopSignal(Signal value) {
            this.stopSignal = value;
            return this;
        }

        public Builder stopTimeout(Duration value) {
            this.stopTimeout = value;
            return this;
        }

        public Builder logMaxBytes(long value) {
            this.logMaxBytes = value;
            return this;
        }

        public Builder logKeep(int value) {
            this.logKeep = value;
            return this;
        }

        /** Makes it a container service of {@code value} (its argv is the builder's command; empty for the image's). */
        public Builder container(ContainerPart value) {
            this.container = value;
            return this;
        }

        /** A port for the service: a number, or {@link #AUTO_PORT} for a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public ServiceSpec build() {
            return new ServiceSpec(name, command, Optional.ofNullable(workingDir), env, restart, successExitCodes,
                    maxRestarts, restartWindow, backoff, startSeconds, Optional.ofNullable(ready), dependsOn, stopSignal,
                    stopTimeout, logMaxBytes, logKeep, Optional.ofNullable(container), Optional.ofNullable(port));
        }
    }
}
