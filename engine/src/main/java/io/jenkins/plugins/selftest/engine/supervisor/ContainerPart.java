package io.jenkins.plugins.selftest.engine.supervisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What makes a service a container: the image and what the block's engine publishes and mounts for it. The
 * service's {@code command} is then the container's argv (empty: the image's own), its {@code env} goes into the
 * container, and its restart policy, readiness and logs work as for a process, because the supervised process is the
 * runtime's foreground client ({@link ContainerLaunch}). Immutable; part of {@code spec.json}.
 *
 * <p>Nothing here can widen what the host exposes: ports are published on the loopback address of a local engine,
 * volumes are named volumes of the block or directories inside the workspace, and no option of the runtime is
 * passed through.
 *
 * @param image      the image, e.g. {@code postgres:16} or {@code localhost/selftest-service}
 * @param ports      container ports to publish, each on a free host port: {@code 5432}, {@code 5432/tcp},
 *                   {@code 53/udp}
 * @param volumes    {@code name:/path[:ro]} (a named volume made for the block and removed with it: a plain name) or
 *                   {@code ./dir:/path[:ro]}, {@code relative/dir:/path[:ro]} (a directory inside the workspace: a
 *                   path with a slash or starting with a dot)
 * @param runtime    {@code podman} or {@code docker}; empty picks the one installed (podman first, as selfTest does)
 * @param dockerHost the engine's address; empty takes {@code DOCKER_HOST}/{@code CONTAINER_HOST} of the service's
 *                   environment
 */
public record ContainerPart(String image, List<String> ports, List<String> volumes, Optional<String> runtime,
                            Optional<String> dockerHost) {

    /** Most ports one container publishes, and most volumes it mounts. */
    public static final int MAX_PORTS = 64;
    public static final int MAX_VOLUMES = 64;

    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}");
    private static final Pattern PORT = Pattern.compile("(\\d{1,5})(?:/(tcp|udp))?");
    private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public ContainerPart {
        Objects.requireNonNull(image, "image");
        ports = ports == null ? List.of() : List.copyOf(ports);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        runtime = runtime == null ? Optional.empty() : runtime;
        dockerHost = dockerHost == null ? Optional.empty() : dockerHost;
    }

    public static ContainerPart of(String image) {
        return new ContainerPart(image, List.of(), List.of(), Optional.empty(), Optional.empty());
    }

    public ContainerPart withPorts(String... values) {
        return new ContainerPart(image, List.of(values), volumes, runtime, dockerHost);
    }

    public ContainerPart withVolumes(String... values) {
        return new ContainerPart(image, ports, List.of(values), runtime, dockerHost);
    }

    public ContainerPart withRuntime(String value) {
        return new ContainerPart(image, ports, volumes, Optional.of(value), dockerHost);
    }

    public ContainerPart withDockerHost(String value) {
        return new ContainerPart(image, ports, volumes, runtime, Optional.ofNullable(value));
    }

    /** A published port: the container's port number and protocol. */
    public record Port(int number, String protocol) {
        /** The key of {@link ServiceStatus#ports()}: {@code 5432}, or {@code 53/udp}. */
        public String key() {
            return "tcp".equals(protocol) ? Integer.toString(number) : number + "/" + protocol;
        }
    }

    /** A mount: a named volume of the block ({@code named}) or a workspace directory, at {@code target}. */
    public record Volume(String source, boolean named, String target, boolean readOnly) {
    }

    /** The parsed {@link #ports}; call only when {@link #problems} is empty. */
    public List<Port> parsedPorts() {
        List<Port> out = new ArrayList<>();
        for (String p : ports) {
            Matcher m = PORT.matcher(p.trim());
            if (m.matches()) {
                out.add(new Port(Integer.parseInt(m.group(1)), m.group(2) == null ? "tcp" : m.group(2)));
            }
        }
        return out;
    }

    /** The parsed {@link #volumes}; call only when {@link #problems} is empty. */
    public List<Volume> parsedVolumes() {
        return volumes.stream().map(ContainerPart::volume).toList();
    }

    private static Volume volume(String spelling) {
        String[] parts = spelling.split(":", -1);
        boolean ro = parts.length == 3 && parts[2].equals("ro");
        String source = parts[0];
        return new Volume(source, VOLUME_NAME.matcher(source).matches() && !source.contains("/")
                && !source.equals(".") && !source.equals(".."), parts.length > 1 ? parts[1] : "", ro);
    }

    /** Problems of this part, each naming the field under {@code path} (the service's) and the fix. */
    List<String> problems(String path) {
        List<String> problems = new ArrayList<>();
        if (!IMAGE.matcher(image).matches()) {
            problems.add(path + ".image: '" + image + "' is not an image name: give e.g. postgres:16 or localhost/my-image");
        }
        if (ports.size() > MAX_PORTS) {
            problems.add(path + ".ports: " + ports.size() + " ports are more than the limit of " + MAX_PORTS);
        }
        List<String> keys = new ArrayList<>();
        for (String p : ports) {
            Matcher m = PORT.matcher(p.trim());
            int n = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (n < 1 || n > 65_535) {
                problems.add(path + ".ports: '" + p + "' is not a container port: give 1 to 65535, optionally with /tcp or"
                        + " /udp (the host port is always a free one; HOST:CONTAINER is not accepted)");
            } else {
                String key = new Port(n, m.group(2) == null ? "tcp" : m.group(2)).key();
                if (keys.contains(key)) {
                    problems.add(path + ".ports: '" + p + "' is given twice: keep one");
                }
                keys.add(key);
            }
        }
        if (volumes.size() > MAX_VOLUMES) {
            problems.add(path + ".volumes: " + volumes.size() + " volumes are more than the limit of " + MAX_VOLUMES);
        }
        for (String v : volumes) {
            volumeProblem(v).ifPresent(why -> problems.add(path + ".volumes: '" + v + "' " + why));
        }
        runtime.filter(r -> !r.equals("podman") && !r.equals("docker"))
                .ifPresent(r -> problems.add(path + ".runtime: '" + r + "' is not a container runtime: use podman or docker"));
        dockerHost.filter(h -> !h.matches("(unix|tcp|ssh)://[^\\s]{1,1000}"))
                .ifPresent(h -> problems.add(path + ".dockerHost: '" + h + "' is not an engine address: give unix:///path.sock,"
                        + " tcp://host:2376 or ssh://user@host"));
        return problems;
    }

    private static Optional<String> volumeProblem(String v) {
        String[] parts = v.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return Optional.of("is not a volume: give name:/path, relative/dir:/path, with :ro to mount it read-only");
        }
        if (parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw")) {
            return Optional.of("ends in ':" + parts[2] + "': only :ro or :rw may follow the container path");
        }
        if (!parts[1].startsWith("/")) {
            return Optional.of("has the container path '" + parts[1] + "': give an absolute path inside the container");
        }
        if (v.contains(",") || v.contains("=")) {
            // they would add options to the engine's --mount (another source, propagation): never from a spec
            return Optional.of("has a ',' or '=': give plain paths and names");
        }
        String source = parts[0];
        if (source.startsWith("/") || source.startsWith("~")) {
            return Optional.of("mounts the host path '" + source + "': host paths outside the workspace are refused;"
                    + " give a directory relative to the workspace, or a volume name");
        }
        if (!VOLUME_NAME.matcher(source).matches() || source.contains("/") || source.startsWith(".")) {
            Path rel = Path.of(source).normalize();
            if (rel.startsWith("..") || rel.isAbsolute()) {
                return Optional.of("leads out of the workspace: give a directory inside it, or a volume name");
            }
        }
        return Optional.empty();
    }
}
