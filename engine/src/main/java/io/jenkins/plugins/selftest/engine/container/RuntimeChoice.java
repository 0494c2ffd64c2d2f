package io.jenkins.plugins.selftest.engine.container;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a self-test's shards run, as a user chooses it: {@code none} (local processes) or one of the container
 * command lines the engine drives ({@link ContainerRuntime.Kind}). The closed set that the step's choices, its form
 * and its settings are derived from. Persisted and printed by its {@link #label()}.
 */
public enum RuntimeChoice {
    /** Local processes, no container. */
    NONE(Optional.empty()),
    DOCKER(Optional.of(ContainerRuntime.Kind.DOCKER)),
    PODMAN(Optional.of(ContainerRuntime.Kind.PODMAN));

    private final Optional<ContainerRuntime.Kind> kind;

    RuntimeChoice(Optional<ContainerRuntime.Kind> kind) {
        this.kind = kind;
    }

    /** The container command line, empty for {@link #NONE}. */
    public Optional<ContainerRuntime.Kind> kind() {
        return kind;
    }

    /** {@code none}, {@code docker} or {@code podman}. */
    @JsonValue
    public String label() {
        return kind.map(ContainerRuntime.Kind::executable).orElse("none");
    }

    public boolean usesContainers() {
        return kind.isPresent();
    }

    /** Every label, {@code none} first: the choices a form offers. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(RuntimeChoice::label).toList();
    }

    /**
     * The choice spelled {@code label} (case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the accepted spellings
     */
    @JsonCreator
    public static RuntimeChoice parse(String label) {
        String l = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        for (RuntimeChoice c : values()) {
            if (c.label().equals(l)) {
                return c;
            }
        }
        throw ContainerRuntime.unknownRuntime(label, labels());
    }

    @Override
    public String toString() {
        return label();
    }
}
