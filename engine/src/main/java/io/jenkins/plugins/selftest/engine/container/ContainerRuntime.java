package io.jenkins.plugins.selftest.engine.container;

import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A container engine driven through its command line, {@code docker} or {@code podman}, local or remote. Every call
 * goes through {@link ProcessLauncher}, so a hanging CLI is stopped with its whole process tree at its timeout.
 *
 * <p>A remote engine is named by an explicit host (passed as {@code podman --url} or {@code docker -H}) or by the
 * environment the CLIs read themselves ({@code CONTAINER_HOST} for podman, {@code DOCKER_HOST} for docker). A host
 * other than a {@code unix://} socket is remote: it shares no filesystem with us, so workspaces are copied in and
 * reports copied out rather than bind-mounted.
 *
 * <p>Immutable and thread-safe.
 */
public final class ContainerRuntime {

    /** The label every selftest container carries. */
    public static final String LABEL = "selftest";
    /** The label with the run id. */
    public static final String RUN_LABEL = "selftest.run";
    /** The label with the shard index. */
    public static final String SHARD_LABEL = "selftest.shard";
    /** The label with what made it: {@code service} on a service block's containers, network and volumes. */
    public static final String KIND_LABEL = "selftest.kind";

    /**
     * Variables of the given environment that every CLI call gets (over the inherited ones): the engine address, TLS
     * material and registry credentials. So a Jenkins agent that runs the CLI itself honours what
     * {@code docker.withServer} ({@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}) and
     * {@code docker.withRegistry} ({@code DOCKER_CONFIG}) put into the build's environment.
     */
    public static final List<String> CLI_VARIABLES = List.of("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
            "DOCKER_CONFIG", "DOCKER_CONTEXT", "CONTAINER_HOST", "CONTAINER_SSHKEY", "CONTAINER_CONNECTION",
            "CONTAINERS_CONF", "REGISTRY_AUTH_FILE");

    /** Default time limit of short CLI calls (inspect, rm, ps). */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /** The supported command lines. */
    public enum Kind {
        DOCKER("docker", "DOCKER_HOST", "-H"), PODMAN("podman", "CONTAINER_HOST", "--url");

        private final String executable;
        private final String hostVariable;
        private final String hostOption;

        Kind(String executable, String hostVariable, String hostOption) {
            this.executable = executable;
            this.hostVariable = hostVariable;
            this.hostOption = hostOption;
        }

        public String executable() {
            return executable;
        }

        /** The environment variable the CLI reads for a remote engine. */
        public String hostVariable() {
            return hostVariable;
        }

        /**
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Kind parse(String name) {
            String n = Path.of(name.trim()).getFileName().toString().toLowerCase(Locale.ROOT);
            for (Kind k : values()) {
                if (k.executable.equals(n)) {
                    return k;
                }
            }
            throw unknownRuntime(name, Arrays.stream(values()).map(Kind::executable).toList());
        }
    }

    /** The one wording of a runtime name that is not one of {@code choices}: {@code ... use docker or podman}. */
    static IllegalArgumentException unknownRuntime(String name, List<String> choices) {
        String last = choices.get(choices.size() - 1);
        String list = choices.size() == 1 ? last
                : String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + last;
        return new IllegalArgumentException("unknown container runtime '" + name + "': use " + list);
    }

    private final Kind kind;
    private final String executable;
    private final Optional<String> host;
    private final Optional<String> environmentHost;
    private final Map<String, String> cliEnvironment;

    private ContainerRuntime(Kind kind, String executable, Optional<String> host, Optional<String> environmentHost,
                             Map<String, String> cliEnvironment) {
        this.kind = kind;
        this.executable = executable;
        this.host = host.filter(h -> !h.isBlank());
        this.environmentHost = environmentHost.filter(h -> !h.isBlank());
        this.cliEnvironment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cliEnvironment));
    }

    /**
     * @param runtime     {@code docker}, {@code podman}, or a path to one of them
     * @param host        an explicit engine address ({@code tcp://host:2376}, {@code ssh://user@host/run/podman.sock},
     *                    {@code unix:///path.sock}); wins over the environment
     * @param environment where {@code DOCKER_HOST}/{@code CONTAINER_HOST} are looked up (usually {@code System.getenv()})
     */
    public static ContainerRuntime of(String runtime, Optional<String> host, Map<String, String> environment) {
        Kind kind = Kind.parse(runtime);
        String exe = runtime.contains("/") ? runtime : kind.executable();
        Map<String, String> cli = new LinkedHashMap<>();
        for (String name : CLI_VARIABLES) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                cli.put(name, value);
            }
        }
        return new ContainerRuntime(kind, exe, host, Optional.ofNullable(environment.get(kind.hostVariable())), cli);
    }

    /** The variables every CLI call gets on top of the inherited environment (see {@link #CLI_VARIABLES}). */
    public Map<String, String> cliEnvironment() {
        return cliEnvironment;
    }

    public Kind kind() {
        return kind;
    }

    /** The engine address in use, explicit or from the environment. */
    public Optional<String> host() {
        return host.or(() -> environmentHost);
    }

    /** Whether the engine is on another machine (no shared filesystem: copy in/out instead of bind mounts). */
    public boolean isRemote() {
        return host().map(h -> !h.startsWith("unix://") && !h.startsWith("/")).orElse(false);
    }

    /** The CLI's argv prefix: executable plus the host option when one was given explicitly. */
    public List<String> baseCommand() {
        List<String> argv = new ArrayList<>();
        argv.add(executable);
        host.ifPresent(h -> {
            argv.add(kind.hostOption);
            argv.add(h);
        });
        return argv;
    }

    /** The full argv for {@code args}. */
    public List<String> command(List<String> args) {
        List<String> argv = baseCommand();
        argv.addAll(args);
        return argv;
    }

    /** Runs one CLI call, output captured, stopped with its process tree after {@code timeout}. */
    public CliResult exec(List<String> args, Duration timeout) throws IOException {
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.argv(command(args)).env(cliEnvironment)
                .output(LaunchSpec.Output.pipe()).build());
        // a thread of its own, not the common pool: CLI calls block on I/O and many may run at once
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread reader = new Thread(() -> out.complete(readAll(p.process().getInputStream())), "selftest-cli-output");
        reader.setDaemon(true);
        reader.start();
        boolean done;
        try {
            done = p.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.stop(Signal.TERM, Duration.ofSeconds(2));
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command(args)), e);
        }
        if (!done) {
            p.stop(Signal.TERM, Duration.ofSeconds(2));
        }
        String text;
        try {
            text = out.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            text = "";
        } catch (ExecutionException | TimeoutException e) {
            text = "";
        }
        return new CliResult(done ? p.process().exitValue() : -1, text.strip(), !done);
    }

    /** {@link #exec(List, Duration)} with varargs and {@link #CALL_TIMEOUT}. */
    public CliResult exec(String... args) throws IOException {
        return exec(Arrays.asList(args), CALL_TIMEOUT);
    }

    /**
     * Checks that the CLI is installed and reaches its engine.
     *
     * @throws IOException with a one-line reason and what to do
     */
    public void checkAvailable() throws IOException {
        if (!installed()) {
            throw new IOException("container runtime '" + executable + "' is not installed or not on the PATH: install "
                    + kind.executable() + " or run without --use-container");
        }
        CliResult r;
        try {
            r = exec(List.of("version"), Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new IOException("container runtime '" + executable + "' is not installed or not on the PATH: install "
                    + kind.executable() + " or run without --use-container", e);
        }
        if (!r.ok()) {
            throw new IOException("container runtime '" + executable + "' does not work"
                    + host().map(h -> " with engine " + h).orElse("") + ": " + r.firstLine());
        }
    }

    /** Whether the CLI's executable exists (on the PATH, or at the given path). */
    public boolean installed() {
        if (executable.contains("/")) {
            return java.nio.file.Files.isExecutable(Path.of(executable));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The labels of a local image; also the check that it exists.
     *
     * @throws IOException naming the image and how to get it when it is missing
     */
    public Map<String, String> imageLabels(String image) throws IOException {
        CliResult r = exec(List.of("image", "inspect", "--format", "{{json .Config.Labels}}", image), CALL_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("container image '" + image + "' is not available to " + kind.executable() + ": "
                    + r.firstLine() + " (build it with scripts/build-test-image.sh or pull it first)");
        }
        return labelMap(r.output());
    }

    /**
     * Names of the networks or volumes ({@code what}) carrying every one of these labels.
     *
     * @throws IOException when the listing fails
     */
    public List<String> listOf(String what, Map<String, String> labels) throws IOException {
        List<String> args = new ArrayList<>(List.of(what, "ls", "--format", "{{.Name}}"));
        labels.forEach((k, v) -> args.addAll(List.of("--filter", "label=" + k + (v == null ? "" : "=" + v))));
        CliResult r = exec(args, CALL_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("cannot list " + what + "s with " + kind.executable() + ": " + r.firstLine());
        }
        return r.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The labels of a network or volume ({@code what}).
     *
     * @throws IOException when it cannot be inspected (gone meanwhile, engine down)
     */
    public Map<String, String> labelsOf(String what, String name) throws IOException {
        CliResult r = exec(List.of(what, "inspect", "--format", "{{json .Labels}}", name), CALL_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("cannot inspect " + what + " " + name + " with " + kind.executable() + ": " + r.firstLine());
        }
        return labelMap(r.output());
    }

    /** The labels of {@code {{json .Config.Labels}}} ({@code null} when there are none). */
    private static Map<String, String> labelMap(String output) {
        Map<String, String> labels = new LinkedHashMap<>();
        String json = output.strip();
        if (json.startsWith("{")) {
            io.jenkins.plugins.selftest.engine.json.Json.read(json, Map.class)
                    .forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        }
        return labels;
    }

    /** argv of {@code run} for the spec: foreground, removed on exit by the engine ({@code --rm}). */
    public List<String> runCommand(ContainerSpec spec) {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        args.addAll(containerOptions(spec));
        args.add(spec.image());
        args.addAll(spec.command());
        return command(args);
    }

    /** Arguments (after {@link #baseCommand()}) of {@code create} for the spec: the copy-in/copy-out flow. */
    public List<String> createArgs(ContainerSpec spec) {
        List<String> args = new ArrayList<>(List.of("create"));
        args.addAll(containerOptions(spec));
        args.add(spec.image());
        args.addAll(spec.command());
        return args;
    }

    private static List<String> containerOptions(ContainerSpec spec) {
        List<String> args = new ArrayList<>();
        args.add("--name");
        args.add(spec.name());
        spec.labels().forEach((k, v) -> {
            args.add("--label");
            args.add(k + "=" + v);
        });
        spec.environment().forEach((k, v) -> {
            args.add("--env");
            args.add(k + "=" + v);
        });
        spec.mounts().forEach(m -> {
            args.add("--volume");
            args.add(m.toOption());
        });
        spec.workingDir().ifPresent(w -> {
            args.add("--workdir");
            args.add(w);
        });
        spec.network().ifPresent(n -> {
            args.add("--network");
            args.add(n);
        });
        return args;
    }

    /**
     * Removes a container, running or not, at once; a missing container is not an error. Docker's {@code rm -f} kills
     * with SIGKILL; podman's first waits its stop timeout (10 s) after SIGTERM, which a shard's shell as PID 1 ignores,
     * so podman gets {@code --time 0} (podman 4.3 has it; docker has no such option).
     */
    public CliResult remove(String nameOrId) throws IOException {
        CliResult r = exec(removeArgs(nameOrId), CALL_TIMEOUT);
        if (!r.ok() && r.output().toLowerCase(Locale.ROOT).contains("no such container")) {
            return new CliResult(0, r.output(), false);
        }
        return r;
    }

    /** Arguments (after {@link #baseCommand()}) of {@link #remove}. */
    public List<String> removeArgs(String nameOrId) {
        return kind == Kind.PODMAN ? List.of("rm", "-f", "--time", "0", nameOrId) : List.of("rm", "-f", nameOrId);
    }

    /** Stops a container at once ({@code kill}); it stays until removed unless it was started with {@code --rm}. */
    public CliResult kill(String nameOrId) throws IOException {
        return exec(List.of("kill", nameOrId), CALL_TIMEOUT);
    }

    /**
     * Ids of all containers (running or not) carrying every one of these labels.
     *
     * @throws IOException when the listing fails (the caller counts a container failure)
     */
    public List<String> list(Map<String, String> labels) throws IOException {
        List<String> args = new ArrayList<>(List.of("ps", "-a", "-q", "--no-trunc"));
        labels.forEach((k, v) -> {
            args.add("--filter");
            args.add("label=" + k + (v == null ? "" : "=" + v));
        });
        CliResult r = exec(args, CALL_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("cannot list containers with " + kind.executable() + ": " + r.firstLine());
        }
        return r.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The value of one label of a container; empty when it has no such label.
     *
     * @throws IOException when the container cannot be inspected (gone meanwhile, engine down)
     */
    public Optional<String> label(String nameOrId, String key) throws IOException {
        CliResult r = exec(List.of("container", "inspect", "--format",
                "{{index .Config.Labels \"" + key + "\"}}", nameOrId), CALL_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("cannot inspect container " + nameOrId + " with " + kind.executable() + ": " + r.firstLine());
        }
        String v = r.output().strip();
        return v.isEmpty() || "<no value>".equals(v) ? Optional.empty() : Optional.of(v);
    }

    /**
     * All labels of a container.
     *
     * @throws IOException when the container cannot be inspected (gone meanwhile, engine down)
     */
    public Map<String, String> labels(String nameOrId) throws IOException {
        CliResult r = exec(List.of("container", "inspect", "--format", "{{json .Config.Labels}}", nameOrId), CALL_TIMEOUT);
        if (!r.ok()) {
            throw new IOException("cannot inspect container " + nameOrId + " with " + kind.executable() + ": " + r.firstLine());
        }
        return labelMap(r.output());
    }

    /** Copies {@code from} to {@code to}; one side is {@code container:path}. */
    public CliResult copy(String from, String to, Duration timeout) throws IOException {
        return exec(List.of("cp", from, to), timeout);
    }

    /** Starts a created container attached, its output appended to {@code log}. */
    public LaunchedProcess startAttached(String name, Path log) throws IOException {
        return ProcessLauncher.start(LaunchSpec.argv(command(List.of("start", "--attach", name)))
                .env(cliEnvironment).output(LaunchSpec.Output.toFile(log)).build());
    }

    /** Runs the spec in the foreground ({@link #runCommand}), output appended to {@code log}. */
    public LaunchedProcess run(ContainerSpec spec, Path log) throws IOException {
        return ProcessLauncher.start(LaunchSpec.argv(runCommand(spec)).env(cliEnvironment).output(LaunchSpec.Output.toFile(log)).build());
    }

    @Override
    public String toString() {
        return kind.executable() + host().map(h -> " (engine " + h + ")").orElse(" (local engine)");
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
