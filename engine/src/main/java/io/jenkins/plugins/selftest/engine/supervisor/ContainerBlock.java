package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.container.RunOwner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the container services of one block (one control directory) share on one engine: a network, so they reach
 * each other by service name, and the named volumes they mount. All of it is named after the block
 * ({@code selftest-<id>}, {@code id} from the control directory's path, so a resumed supervisor finds the same
 * names) and labelled with {@code selftest=true}, the block's run id ({@code selftest.run=svc-<id>}) and the
 * supervisor process that made it, so the reaper removes what a block that is gone left behind.
 *
 * <p>Thread-safe: it only calls the container CLI.
 */
final class ContainerBlock {

    /** The run id prefix of service blocks, in {@link ContainerRuntime#RUN_LABEL}. */
    static final String RUN_PREFIX = "svc-";

    private final String id;
    private final Path workspace;
    private final ContainerRuntime runtime;
    private final boolean withNetwork;
    private final Set<String> volumes;
    private final String hostName;

    /**
     * @param controlDir the block's control directory (its path names everything)
     * @param workspace  where relative volume sources are
     * @param volumes    the named volumes its services mount (as written: {@code data})
     */
    ContainerBlock(Path controlDir, Path workspace, ContainerRuntime runtime, boolean withNetwork, Set<String> volumes) {
        this.id = idOf(controlDir);
        this.workspace = workspace.toAbsolutePath().normalize();
        this.runtime = runtime;
        this.withNetwork = withNetwork;
        this.volumes = Set.copyOf(new LinkedHashSet<>(volumes));
        this.hostName = RunOwner.current().map(RunOwner::host).orElse("unknown");
    }

    static String idOf(Path controlDir) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(controlDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code selftest-<id>}: the network's name and the prefix of every container and volume name. */
    String prefix() {
        return "selftest-" + id;
    }

    /** {@code svc-<id>}: the value of {@link ContainerRuntime#RUN_LABEL} on everything of the block. */
    String runId() {
        return RUN_PREFIX + id;
    }

    ContainerRuntime runtime() {
        return runtime;
    }

    String hostName() {
        return hostName;
    }

    Optional<String> network() {
        return withNetwork ? Optional.of(prefix()) : Optional.empty();
    }

    String volumeName(String name) {
        return prefix() + "-" + name;
    }

    Path workspaceDirectory(String relative) {
        return ContainerLaunch.inWorkspace(workspace, relative);
    }

    /** The labels of the block's containers, network and volumes (without owner). */
    Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(Reaper.selector(Optional.of(runId())));
        labels.put(ContainerRuntime.KIND_LABEL, "service");
        return labels;
    }

    /** Labels of the network and volumes: the block's, and this supervisor process as their owner. */
    private List<String> ownedLabelArgs() {
        Map<String, String> labels = new LinkedHashMap<>(labels());
        RunOwner.current().ifPresent(o -> labels.putAll(o.labels()));
        List<String> args = new ArrayList<>();
        labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
        return args;
    }

    /**
     * Makes the network and the named volumes where they do not exist yet (a resume keeps the ones there).
     *
     * @throws IOException naming what could not be made and the engine's reason
     */
    void ensure() throws IOException {
        if (withNetwork && !exists(List.of("network", "inspect", prefix()))) {
            List<String> args = new ArrayList<>(List.of("network", "create"));
            args.addAll(ownedLabelArgs());
            args.add(prefix());
            CliResult r = runtime.exec(args, ContainerRuntime.CALL_TIMEOUT);
            if (!r.ok() && !exists(List.of("network", "inspect", prefix()))) {
                throw new IOException("cannot create network " + prefix() + " with " + runtime + ": " + r.firstLine());
            }
        }
        for (String v : volumes) {
            if (!exists(List.of("volume", "inspect", volumeName(v)))) {
                List<String> args = new ArrayList<>(List.of("volume", "create"));
                args.addAll(ownedLabelArgs());
                args.add(volumeName(v));
                CliResult r = runtime.exec(args, ContainerRuntime.CALL_TIMEOUT);
                if (!r.ok()) {
                    throw new IOException("cannot create volume " + volumeName(v) + " with " + runtime + ": " + r.firstLine());
                }
            }
        }
    }

    /** Removes every container of the block (a predecessor's leftovers on a fresh start); problems as lines. */
    List<String> removeContainers() {
        Reaper.Result r = new Reaper(runtime).reap(Optional.of(runId()), 1, java.time.Duration.ofMillis(200));
        return r.problems();
    }

    /** Removes the block's network and named volumes (after its containers); problems as lines. Never throws. */
    List<String> remove() {
        List<String> problems = new ArrayList<>();
        try {
            if (withNetwork) {
                CliResult r = runtime.exec(List.of("network", "rm", "-f", prefix()), ContainerRuntime.CALL_TIMEOUT);
                if (!r.ok() && exists(List.of("network", "inspect", prefix()))) {
                    problems.add("cannot remove network " + prefix() + ": " + r.firstLine());
                }
            }
            for (String v : volumes) {
                CliResult r = runtime.exec(List.of("volume", "rm", "-f", volumeName(v)), ContainerRuntime.CALL_TIMEOUT);
                if (!r.ok() && exists(List.of("volume", "inspect", volumeName(v)))) {
                    problems.add("cannot remove volume " + volumeName(v) + ": " + r.firstLine());
                }
            }
        } catch (IOException e) {
            problems.add("cannot remove the network and volumes of " + prefix() + ": " + e.getMessage());
        }
        return problems;
    }

    private boolean exists(List<String> inspect) throws IOException {
        return runtime.exec(inspect, ContainerRuntime.CALL_TIMEOUT).ok();
    }
}
