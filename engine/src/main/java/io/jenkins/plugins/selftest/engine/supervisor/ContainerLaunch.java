package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.RunOwner;
import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import io.jenkins.plugins.selftest.engine.process.ShellWords;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One container service of a block as the runtime's command line: the supervised process of a container service is
 * the runtime's foreground client ({@code podman run} / {@code docker run}, no {@code -d}, no {@code --rm}), so its
 * output is the service's log and its exit is the container's exit, and restart policy, backoff, log readiness and
 * rotation work as for a process. Before each start the argv removes a leftover container of the same name, and it
 * labels the container with the client process as its owner ({@link RunOwner}), so the reaper removes a container
 * whose client is gone. {@link #stop} is the runtime's {@code stop} with the service's {@code stopTimeout}, then
 * {@code rm -f -v} (its anonymous volumes with it).
 *
 * <p>What the spec says never widens what the host exposes: ports are published on {@code 127.0.0.1} of a local
 * engine (on the remote engine's host otherwise), only named volumes of the block and directories inside the
 * workspace are mounted, and no runtime option is passed through. Variables go in as {@code -e NAME}, their values
 * taken from the client's environment, so no value is on a command line.
 *
 * <p>Immutable and thread-safe.
 */
final class ContainerLaunch {

    /** The label with the service's name (with {@link ContainerRuntime#RUN_LABEL} = {@link ContainerBlock#runId()}). */
    static final String SERVICE_LABEL = "selftest.service";

    /**
     * The argv prefix: removes a leftover of the name ({@code $1}, a shell-quoted command), fills in the owner labels
     * left empty with this shell's pid and start time (the client is exec'd, so keeps both), and runs the rest.
     */
    static final String START_SCRIPT = "eval \"$1\" >/dev/null 2>&1; shift\n"
            + "t=$(cut -d' ' -f22 /proc/$$/stat)\n"
            + "for a do shift; case $a in\n"
            + "  " + RunOwner.PID_LABEL + "=) a=" + RunOwner.PID_LABEL + "=$$ ;;\n"
            + "  " + RunOwner.START_LABEL + "=) a=" + RunOwner.START_LABEL + "=$t ;;\n"
            + "esac; set -- \"$@\" \"$a\"; done\n"
            + "exec \"$@\"";

    private final ServiceSpec spec;
    private final ContainerPart part;
    private final ContainerBlock block;
    private final ContainerRuntime runtime;
    private final Map<String, Integer> ports;

    ContainerLaunch(ServiceSpec spec, ContainerBlock block, ContainerRuntime runtime, Map<String, Integer> ports) {
        this.spec = spec;
        this.part = spec.container().orElseThrow();
        this.block = block;
        this.runtime = runtime;
        this.ports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ports)); // in order: the first is the own port
    }

    /** The container's name: the block's, then the service's (the same for every run). */
    String name() {
        return block.prefix() + "-" + spec.name();
    }

    ContainerRuntime runtime() {
        return runtime;
    }

    /** Where the body reaches the published ports: {@code 127.0.0.1}, or the remote engine's host. */
    String host() {
        return hostOf(runtime);
    }

    static String hostOf(ContainerRuntime runtime) {
        if (!runtime.isRemote()) {
            return "127.0.0.1";
        }
        String address = runtime.host().orElseThrow();
        try {
            String h = URI.create(address).getHost();
            return h == null ? "127.0.0.1" : h;
        } catch (IllegalArgumentException e) {
            return "127.0.0.1";
        }
    }

    /**
     * The supervised argv: {@link #START_SCRIPT} around {@code run}. {@code variables} are the names the container
     * gets ({@code -e NAME}); their values must be in the client's environment.
     */
    List<String> argv(List<String> variables) {
        List<String> rm = runtime.command(List.of("rm", "-f", "-v", name()));
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", START_SCRIPT, "selftest-container", ShellWords.join(rm)));
        argv.addAll(runtime.baseCommand());
        argv.add("run");
        argv.addAll(List.of("--name", name()));
        labels().forEach((k, v) -> argv.addAll(List.of("--label", k + "=" + v)));
        block.network().ifPresent(n -> argv.addAll(List.of("--network", n, "--network-alias", spec.name())));
        String bind = runtime.isRemote() ? "" : "127.0.0.1:";
        ports.forEach((key, host) -> {
            String container = key.equals(ServicePorts.OWN) ? Integer.toString(host) : key;
            argv.addAll(List.of("-p", bind + host + ":" + container));
        });
        variables.forEach(v -> argv.addAll(List.of("-e", v)));
        for (ContainerPart.Volume v : part.parsedVolumes()) {
            String source = v.named() ? block.volumeName(v.source()) : block.workspaceDirectory(v.source()).toString();
            argv.addAll(List.of("--mount", "type=" + (v.named() ? "volume" : "bind") + ",source=" + source
                    + ",target=" + v.target() + (v.readOnly() ? ",readonly" : "")));
        }
        argv.addAll(List.of("--stop-signal", spec.stopSignal().name(),
                "--stop-timeout", Long.toString(Math.max(0, spec.stopTimeout().toSeconds()))));
        if (runtime.kind() == ContainerRuntime.Kind.PODMAN) {
            // no systemd timer for the image's HEALTHCHECK: readiness runs it when asked (healthcheck: true); not
            // asked, the check is off altogether, so podman without systemd writes no timer errors into the log
            boolean asked = spec.ready().map(Readiness::healthcheck).orElse(false);
            argv.addAll(asked ? List.of("--health-interval", "disable") : List.of("--no-healthcheck"));
        }
        argv.add(part.image());
        argv.addAll(spec.command());
        return argv;
    }

    /** The labels of the container: selftest's, the block's run id, the service, and the owner (filled in at start). */
    Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(block.labels());
        labels.put(SERVICE_LABEL, spec.name());
        labels.put(RunOwner.HOST_LABEL, block.hostName());
        labels.put(RunOwner.PID_LABEL, "");
        labels.put(RunOwner.START_LABEL, "");
        return labels;
    }

    /** {@code runtime exec NAME command...}: a readiness check inside the container. */
    List<String> execArgv(List<String> command) {
        List<String> argv = runtime.command(List.of("exec", name()));
        argv.addAll(command);
        return argv;
    }

    /** A command that exits 0 when the image's {@code HEALTHCHECK} says healthy. */
    List<String> healthArgv() {
        if (runtime.kind() == ContainerRuntime.Kind.PODMAN) {
            return runtime.command(List.of("healthcheck", "run", name()));
        }
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "test \"$(\"$@\")\" = healthy", "selftest-health"));
        argv.addAll(runtime.command(List.of("inspect", "--format", "{{.State.Health.Status}}", name())));
        return argv;
    }

    /**
     * Stops the container ({@code stop} with the service's stop timeout, which sends its stop signal, then KILL) and
     * removes it with its anonymous volumes. Never throws: a failure is returned as one line.
     */
    Optional<String> stop() {
        Duration grace = spec.stopTimeout();
        try {
            runtime.exec(List.of("stop", "-t", Long.toString(Math.max(0, grace.toSeconds())), name()),
                    grace.plus(ContainerRuntime.CALL_TIMEOUT));
            CliResult rm = runtime.exec(List.of("rm", "-f", "-v", name()), ContainerRuntime.CALL_TIMEOUT);
            if (!rm.ok() && !rm.output().toLowerCase(java.util.Locale.ROOT).contains("no such container")) {
                return Optional.of("cannot remove container " + name() + ": " + rm.firstLine());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot stop container " + name() + ": " + e.getMessage());
        }
    }

    /** Problems with the workspace directories it mounts: missing, or leading out of the workspace. */
    List<String> mountProblems() {
        List<String> problems = new ArrayList<>();
        for (ContainerPart.Volume v : part.parsedVolumes()) {
            if (!v.named() && runtime.isRemote()) {
                problems.add(spec.name() + ".volumes: '" + v.source() + "' is a workspace directory, which a remote engine ("
                        + runtime.host().orElse("") + ") cannot mount: use a named volume, or a local engine");
            } else if (!v.named()) {
                try {
                    block.workspaceDirectory(v.source());
                } catch (IllegalArgumentException e) {
                    problems.add(spec.name() + ".volumes: " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /** The runtime of a container service: its {@code runtime} (podman first when none is given) and engine. */
    static ContainerRuntime runtimeOf(ServiceSpec spec, Map<String, String> environment) {
        ContainerPart part = spec.container().orElseThrow();
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(spec.env());
        String name = part.runtime().orElseGet(() -> onPath("podman", env) || !onPath("docker", env) ? "podman" : "docker");
        return ContainerRuntime.of(name, part.dockerHost(), env);
    }

    private static boolean onPath(String program, Map<String, String> env) {
        for (String d : env.getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** {@code relative} inside the workspace, also after symbolic links; must be an existing directory or file. */
    static Path inWorkspace(Path workspace, String relative) {
        Path p = WorkspaceFiles.inside(workspace, relative);
        if (relative.contains(",")) {
            throw new IllegalArgumentException("'" + relative + "' has a comma: rename the directory");
        }
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("'" + relative + "' does not exist in the workspace " + workspace
                    + ": create it before the block");
        }
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(workspace.toRealPath())) {
                throw new IllegalArgumentException("'" + relative + "' leads out of the workspace through a link: give a"
                        + " directory inside it");
            }
            return real;
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + relative + "' cannot be read: " + e.getMessage());
        }
    }
}
