package io.jenkins.plugins.selftest.engine.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one container runs: image, name, labels, environment, bind mounts, working directory and command. Immutable;
 * build it with {@link #builder(String, String)}.
 *
 * @param network {@code none} for shards that need no network (faster start, nothing leaks); empty means the
 *                runtime's default
 */
public record ContainerSpec(String image, String name, Map<String, String> labels, Map<String, String> environment,
                            List<Mount> mounts, Optional<String> workingDir, List<String> command,
                            Optional<String> network) {

    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(name, "name");
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        mounts = List.copyOf(mounts);
        command = List.copyOf(command);
        if (image.isBlank()) {
            throw new IllegalArgumentException("container image must not be blank");
        }
    }

    /**
     * A bind mount.
     *
     * @param host      path on the engine's machine
     * @param container path inside the container
     */
    public record Mount(Path host, String container, boolean readOnly) {

        /** How users write a mount, in every message about one. */
        public static final String SPELLING = "HOST[:CONTAINER][:ro|:rw]";

        /**
         * A mount as users write it ({@value #SPELLING}): the host path, where it appears in the container (the same
         * path when left out), and read-only unless {@code :rw} is asked for. Both paths must be absolute and free of
         * {@code ..}; whether the host path exists is the run's setup to check (a remote engine's cannot be seen here).
         *
         * @throws IllegalArgumentException saying what is wrong with {@code spelling} and how to write it
         */
        public static Mount parse(String spelling) {
            String s = spelling == null ? "" : spelling.strip();
            List<String> parts = new ArrayList<>(List.of(s.split(":", -1)));
            boolean readOnly = true;
            String last = parts.get(parts.size() - 1);
            if (parts.size() > 1 && (last.equals("ro") || last.equals("rw"))) {
                readOnly = last.equals("ro");
                parts.remove(parts.size() - 1);
            }
            if (parts.size() > 2) {
                throw badMount(s, "has too many ':'-separated parts");
            }
            String host = checkedPath(s, "host", parts.get(0));
            String container = parts.size() == 2 ? checkedPath(s, "container", parts.get(1)) : host;
            return new Mount(Path.of(host), container, readOnly);
        }

        /** The mount as {@link #parse} reads it back. */
        public String spelling() {
            return host + (container.equals(host.toString()) ? "" : ":" + container) + (readOnly ? ":ro" : ":rw");
        }

        public String toOption() {
            return host + ":" + container + (readOnly ? ":ro" : "");
        }

        private static String checkedPath(String spelling, String which, String path) {
            if (!path.startsWith("/")) {
                throw badMount(spelling, "needs an absolute " + which + " path");
            }
            if (List.of(path.split("/")).contains("..")) {
                throw badMount(spelling, "must not leave its " + which + " path with '..'");
            }
            return Path.of(path).normalize().toString();
        }

        private static IllegalArgumentException badMount(String spelling, String problem) {
            return new IllegalArgumentException("mount '" + spelling + "' " + problem + ": write " + SPELLING
                    + " with absolute paths, e.g. /opt/tools or /srv/data:/data:ro");
        }
    }

    public static Builder builder(String image, String name) {
        return new Builder(image, name);
    }

    /** Builder; defaults: no labels, env, mounts, working directory or command, runtime's network. */
    public static final class Builder {
        private final String image;
        private final String name;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<Mount> mounts = new ArrayList<>();
        private String workingDir;
        private List<String> command = List.of();
        private String network;

        private Builder(String image, String name) {
            this.image = image;
            this.name = name;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder labels(Map<String, String> values) {
            labels.putAll(values);
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder env(Map<String, String> values) {
            env.putAll(values);
            return this;
        }

        public Builder mount(Path host, String container, boolean readOnly) {
            mounts.add(new Mount(host, container, readOnly));
            return this;
        }

        public Builder mount(Mount mount) {
            mounts.add(mount);
            return this;
        }

        public Builder workingDir(String dir) {
            this.workingDir = dir;
            return this;
        }

        public Builder command(List<String> argv) {
            this.command = List.copyOf(argv);
            return this;
        }

        public Builder network(String value) {
            this.network = value;
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(image, name, labels, env, mounts, Optional.ofNullable(workingDir), command,
                    Optional.ofNullable(network));
        }
    }
}
