package io.jenkins.plugins.selftest.engine.process;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to start: argv, directory, environment, where its output goes, and the cookie that marks the process and
 * everything it forks (see {@link ProcessTree}). Immutable.
 *
 * @param command       argv; use {@link #shell(String)} for a shell string
 * @param workingDir    directory to start in; empty means the current one
 * @param environment   variables added to (or, with {@code inheritEnvironment == false}, replacing) the parent's
 * @param inheritEnvironment whether the parent's environment is the base
 * @param output        where stdout and stderr (merged) go
 * @param cookie        value of {@link ProcessLauncher#COOKIE_VARIABLE}; empty means a fresh random one
 * @param newSession    start the process as leader of a new session and process group, so that the whole group
 *                      can be signalled at once
 * @param ownCgroup     start the process in a cgroup of its own where {@link Cgroups#mode()} allows it, so that a
 *                      stop reaches even what left the group and dropped the cookie (services and local shards)
 * @param exitRecord    files that record the process's pid and, when it ends, its exit code, written even when
 *                      the JVM that started it has died by then (a supervisor's services)
 * @param inputPipe     stdin is a pipe the caller writes ({@link Process#getOutputStream()}); otherwise /dev/null
 */
public record LaunchSpec(List<String> command, Optional<Path> workingDir, Map<String, String> environment,
                         boolean inheritEnvironment, Output output, Optional<String> cookie, boolean newSession,
                         boolean ownCgroup, Optional<ExitRecord> exitRecord, boolean inputPipe) {

    public LaunchSpec {
        command = List.copyOf(command);
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(exitRecord, "exitRecord");
    }

    /**
     * Where a process's pid and exit code are recorded: {@code pidFile} gets the pid of the process that runs the
     * command as soon as it runs; {@code exitFile} gets the exit code (128 + the signal for a process killed by one)
     * when it ends, whether or not the JVM that started it is still alive.
     */
    public record ExitRecord(Path pidFile, Path exitFile) {
        public ExitRecord {
            Objects.requireNonNull(pidFile, "pidFile");
            Objects.requireNonNull(exitFile, "exitFile");
        }
    }

    /** argv through {@code /bin/sh -c}. */
    public static Builder shell(String script) {
        return new Builder(List.of("/bin/sh", "-c", script));
    }

    public static Builder argv(List<String> argv) {
        return new Builder(argv);
    }

    public static Builder argv(String... argv) {
        return new Builder(List.of(argv));
    }

    /** Where the merged stdout/stderr of the process goes. */
    public sealed interface Output {
        /** Appended to (or, with {@code append == false}, truncating) a file. */
        record ToFile(Path file, boolean append) implements Output {
        }

        /** Thrown away. */
        record Discard() implements Output {
        }

        /** Read by the caller through {@link Process#getInputStream()}. */
        record Pipe() implements Output {
        }

        static Output toFile(Path file) {
            return new ToFile(file, true);
        }

        static Output discard() {
            return new Discard();
        }

        static Output pipe() {
            return new Pipe();
        }
    }

    /** Builder for the wide record. Defaults: current directory, inherited environment, output piped, new session. */
    public static final class Builder {
        private final List<String> command;
        private Path workingDir;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean inheritEnvironment = true;
        private Output output = Output.pipe();
        private String cookie;
        private boolean newSession = true;
        private boolean ownCgroup;
        private ExitRecord exitRecord;
        private boolean inputPipe;

        private Builder(List<String> command) {
            this.command = List.copyOf(command);
        }

        public Builder workingDir(Path dir) {
            this.workingDir = dir;
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> vars) {
            environment.putAll(vars);
            return this;
        }

        public Builder inheritEnvironment(boolean inherit) {
            this.inheritEnvironment = inherit;
            return this;
        }

        public Builder output(Output out) {
            this.output = out;
            return this;
        }

        public Builder cookie(String value) {
            this.cookie = value;
            return this;
        }

        public Builder newSession(boolean value) {
            this.newSession = value;
            return this;
        }

        /** Its own cgroup where the machine allows it (see {@link Cgroups}); off by default. */
        public Builder ownCgroup(boolean value) {
            this.ownCgroup = value;
            return this;
        }

        /** Records the pid and the exit code in these files (see {@link ExitRecord}); off by default. */
        public Builder exitRecord(Path pidFile, Path exitFile) {
            this.exitRecord = new ExitRecord(pidFile, exitFile);
            return this;
        }

        /** stdin a pipe the caller writes; /dev/null by default. */
        public Builder inputPipe(boolean value) {
            this.inputPipe = value;
            return this;
        }

        public LaunchSpec build() {
            return new LaunchSpec(command, Optional.ofNullable(workingDir), environment, inheritEnvironment, output,
                    Optional.ofNullable(cookie), newSession, ownCgroup, Optional.ofNullable(exitRecord), inputPipe);
        }
    }
}
