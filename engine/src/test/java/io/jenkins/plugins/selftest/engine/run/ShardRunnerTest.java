package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which runner a shard gets, from the setup alone: no runtime, a local engine, copies asked for, a remote engine. */
class ShardRunnerTest {

    private static final Path WS = Path.of("/ws");
    private static final ContainerSpec.Mount M2 = ContainerSpec.Mount.parse("/opt/m2");
    private final RunControl control = new RunControl("r1", Optional::empty);

    private static Setup containers(Optional<String> host) {
        return new Setup(Optional.of(ContainerRuntime.of("podman", host, Map.of())), List.of(M2),
                Optional.empty());
    }

    @Test
    void withoutARuntimeShardsAreLocalProcesses() {
        SelfTestOptions o = SelfTestOptions.builder(WS).useContainer(true).build();
        Setup fellBack = new Setup(Optional.empty(), List.of(), Optional.of("podman is not installed"));

        assertThat(ShardRunner.choose(o, fellBack, control)).isInstanceOf(LocalShardRunner.class);
        assertThat(fellBack.mode(o)).isEqualTo("local processes");
    }

    @Test
    void aLocalEngineMountsTheWorkspace() {
        SelfTestOptions o = SelfTestOptions.builder(WS).useContainer(true).image("img:1").build();

        ShardRunner r = ShardRunner.choose(o, containers(Optional.empty()), control);

        assertThat(r).isInstanceOf(MountedContainerShardRunner.class);
        assertThat(((MountedContainerShardRunner) r).mounts()).containsExactly(M2);
        assertThat(containers(Optional.empty()).mode(o))
                .isEqualTo("podman containers (local engine, workspace bind-mounted, image img:1)");
    }

    @Test
    void copiesAskedForCopyEvenOnALocalEngine() {
        SelfTestOptions o = SelfTestOptions.builder(WS).useContainer(true).copyWorkspace(true).build();

        assertThat(ShardRunner.choose(o, containers(Optional.empty()), control))
                .isInstanceOf(CopiedContainerShardRunner.class);
    }

    @Test
    void aRemoteEngineAlwaysCopiesButALocalSocketMounts() {
        SelfTestOptions o = SelfTestOptions.builder(WS).useContainer(true).image("img:1").build();

        assertThat(ShardRunner.choose(o, containers(Optional.of("tcp://build:2376")), control))
                .isInstanceOf(CopiedContainerShardRunner.class);
        assertThat(containers(Optional.of("tcp://build:2376")).mode(o))
                .isEqualTo("podman containers (engine tcp://build:2376, workspace copied in/out, image img:1)");
        assertThat(ShardRunner.choose(o, containers(Optional.of("unix:///run/podman/podman.sock")), control))
                .isInstanceOf(MountedContainerShardRunner.class);
    }
}
