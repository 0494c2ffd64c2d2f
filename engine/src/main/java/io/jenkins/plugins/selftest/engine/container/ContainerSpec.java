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
        public String toOption() {
            return host + ":" + container + (readOnly ? ":ro" : "");
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
