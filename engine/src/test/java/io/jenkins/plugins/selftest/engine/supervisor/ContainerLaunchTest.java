package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of a container service: nothing in the spec widens what the host exposes. */
class ContainerLaunchTest {

    @TempDir
    Path ws;

    private ContainerLaunch launch(ServiceSpec spec, Optional<String> host) throws Exception {
        ContainerRuntime rt = ContainerRuntime.of("podman", host, Map.of());
        Files.createDirectories(ws.resolve("fixtures"));
        ContainerBlock block = new ContainerBlock(ws.resolve("ctl"), ws, rt, true, Set.of("data"));
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("5432", 21000);
        ports.put("53/udp", 21001);
        return new ContainerLaunch(spec, block, rt, ports);
    }

    private static ServiceSpec db() {
        return ServiceSpec.builder("db", List.of("postgres", "-c", "fsync=off"))
                .container(ContainerPart.of("postgres:16").withPorts("5432", "53/udp").withVolumes("data:/var/lib/pg", "./fixtures:/f:ro"))
                .env("POSTGRES_PASSWORD", "s3cret").build();
    }

    @Test
    void portsArePublishedOnLoopbackVariablesByNameOnlyAndOnlyTheBlocksVolumesAndWorkspaceDirectoriesMounted() throws Exception {
        ContainerLaunch l = launch(db(), Optional.empty());
        List<String> argv = l.argv(List.of("POSTGRES_PASSWORD", "SERVICE_X_PORT"));
        String id = ContainerBlock.idOf(ws.resolve("ctl"));

        assertThat(argv.subList(0, 3)).containsExactly("/bin/sh", "-c", ContainerLaunch.START_SCRIPT);
        assertThat(argv.get(4)).isEqualTo("'podman' 'rm' '-f' '-v' 'selftest-" + id + "-db'");
        assertThat(String.join(" ", argv.subList(5, argv.size())))
                .startsWith("podman run --name selftest-" + id + "-db --label selftest=true --label selftest.run=svc-" + id)
                .contains("--network selftest-" + id + " --network-alias db")
                .contains("-p 127.0.0.1:21000:5432 -p 127.0.0.1:21001:53/udp")
                .contains("-e POSTGRES_PASSWORD -e SERVICE_X_PORT")
                .contains("--mount type=volume,source=selftest-" + id + "-data,target=/var/lib/pg")
                .contains("--mount type=bind,source=" + ws.resolve("fixtures").toRealPath() + ",target=/f,readonly")
                .contains("--label selftest.owner.pid= --label selftest.owner.start=")
                .endsWith("postgres:16 postgres -c fsync=off")
                .doesNotContain("s3cret").doesNotContain("--privileged").doesNotContain(" -P ").doesNotContain("--rm");
        assertThat(l.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void aRemoteEnginePublishesOnItsOwnHostWhichTheBodyIsToldAbout() throws Exception {
        ContainerLaunch l = launch(db(), Optional.of("tcp://build-engine.example:2376"));
        assertThat(String.join(" ", l.argv(List.of()))).contains("podman --url tcp://build-engine.example:2376 run")
                .contains("-p 21000:5432");
        assertThat(l.host()).isEqualTo("build-engine.example");
        assertThat(l.mountProblems()).containsExactly("db.volumes: './fixtures' is a workspace directory, which a remote"
                + " engine (tcp://build-engine.example:2376) cannot mount: use a named volume, or a local engine");
        assertThat(launch(db(), Optional.empty()).mountProblems()).isEmpty();
    }

    @Test
    void theStartScriptRemovesTheLeftoverAndFillsInTheClientAsOwner() throws Exception {
        Path log = ws.resolve("log");
        Process p = new ProcessBuilder("/bin/sh", "-c", ContainerLaunch.START_SCRIPT, "x", "echo removed >> " + log,
                "/bin/sh", "-c", "echo \"$@\" >> " + log, "argv", "--label", "selftest.owner.pid=", "--label",
                "selftest.owner.start=", "it's kept").start();
        assertThat(p.waitFor()).isZero();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines.get(0)).isEqualTo("removed");
        assertThat(lines.get(1)).matches("--label selftest\\.owner\\.pid=\\d+ --label selftest\\.owner\\.start=\\d+ it's kept");
    }

    @Test
    void aWorkspaceDirectoryMayNotLeadOutThroughALink() throws Exception {
        Files.createSymbolicLink(ws.resolve("escape"), Path.of("/etc"));
        assertThatThrownBy(() -> ContainerLaunch.inWorkspace(ws, "escape"))
                .hasMessageContaining("'escape' leads out of the workspace through a link");
        assertThatThrownBy(() -> ContainerLaunch.inWorkspace(ws, "../x")).hasMessageContaining("leads out of the workspace");
    }
}
