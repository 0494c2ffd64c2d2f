package io.jenkins.plugins.selftest.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runtime a user chooses: none or a container CLI, spelled as the step and its settings spell it. */
class RuntimeChoiceTest {

    @Test
    void theChoicesAreNoneThenTheClisTheEngineDrives() {
        assertThat(RuntimeChoice.labels()).containsExactly("none", "docker", "podman");
        assertThat(RuntimeChoice.PODMAN.kind()).contains(ContainerRuntime.Kind.PODMAN);
        assertThat(RuntimeChoice.NONE.usesContainers()).isFalse();
        assertThat(RuntimeChoice.DOCKER.usesContainers()).isTrue();
    }

    @Test
    void parsesAndPersistsItsLabel() {
        assertThat(RuntimeChoice.parse(" Docker ")).isEqualTo(RuntimeChoice.DOCKER);
        assertThat(Json.write(RuntimeChoice.NONE)).isEqualTo("\"none\"");
        assertThat(Json.read("\"podman\"", RuntimeChoice.class)).isEqualTo(RuntimeChoice.PODMAN);
    }

    @Test
    void anUnknownRuntimeNamesTheChoicesInTheOneWording() {
        assertThatThrownBy(() -> RuntimeChoice.parse("lxc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown container runtime 'lxc': use none, docker or podman");
        assertThatThrownBy(() -> ContainerRuntime.of("lxc", Optional.empty(), Map.of()))
                .hasMessage("unknown container runtime 'lxc': use docker or podman");
    }
}
