package io.jenkins.plugins.selftest.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerRuntimeTest {

    @Test
    void removeKillsAtOnceWithoutTheStopTimeout() {
        // podman's rm -f waits 10 s after SIGTERM unless told otherwise; docker's rm -f sends SIGKILL and has no --time
        assertThat(ContainerRuntime.of("podman", Optional.empty(), Map.of()).removeArgs("c1"))
                .containsExactly("rm", "-f", "--time", "0", "c1");
        assertThat(ContainerRuntime.of("docker", Optional.empty(), Map.of()).removeArgs("c1"))
                .containsExactly("rm", "-f", "c1");
    }

    @Test
    void explicitHostBecomesUrlForPodmanAndDashHForDocker() {
        assertThat(ContainerRuntime.of("podman", Optional.of("ssh://u@h/run/podman.sock"), Map.of()).baseCommand())
                .containsExactly("podman", "--url", "ssh://u@h/run/podman.sock");
        assertThat(ContainerRuntime.of("docker", Optional.of("tcp://h:2376"), Map.of()).baseCommand())
                .containsExactly("docker", "-H", "tcp://h:2376");
    }

    @Test
    void environmentHostMakesTheEngineRemoteButIsLeftToTheCli() {
        ContainerRuntime docker = ContainerRuntime.of("docker", Optional.empty(), Map.of("DOCKER_HOST", "tcp://build:2375"));
        ContainerRuntime podman = ContainerRuntime.of("podman", Optional.empty(), Map.of("CONTAINER_HOST", "ssh://u@h/x.sock"));
        ContainerRuntime localSocket = ContainerRuntime.of("podman", Optional.of("unix:///run/podman/podman.sock"), Map.of());

        assertThat(docker.isRemote()).isTrue();
        assertThat(docker.baseCommand()).containsExactly("docker");
        assertThat(podman.isRemote()).isTrue();
        assertThat(podman.host()).contains("ssh://u@h/x.sock");
        assertThat(localSocket.isRemote()).isFalse();
        assertThat(ContainerRuntime.of("podman", Optional.empty(), Map.of()).isRemote()).isFalse();
    }

    @Test
    void runCommandCarriesLabelsMountsEnvironmentAndRm() {
        ContainerSpec spec = ContainerSpec.builder("img:1", "selftest-r-0")
                .label(ContainerRuntime.LABEL, "true").label(ContainerRuntime.RUN_LABEL, "r")
                .env("A", "1").mount(Path.of("/usr"), "/usr", true).workingDir("/w").network("none")
                .command(List.of("/bin/sh", "-c", "true")).build();

        List<String> argv = ContainerRuntime.of("podman", Optional.empty(), Map.of()).runCommand(spec);

        assertThat(String.join(" ", argv)).isEqualTo("podman run --rm --name selftest-r-0 --label selftest=true "
                + "--label selftest.run=r --env A=1 --volume /usr:/usr:ro --workdir /w --network none img:1 /bin/sh -c true");
    }

    @Test
    void everyCliCallGetsTheEngineVariablesOfTheGivenEnvironment(@TempDir Path tmp) throws Exception {
        // a stand-in "docker" that prints what docker.withServer/withRegistry would have set for the real one
        Path fake = tmp.resolve("docker");
        java.nio.file.Files.writeString(fake, "#!/bin/sh\necho \"$DOCKER_HOST|$DOCKER_CONFIG|$DOCKER_CERT_PATH|$UNRELATED\"\n");
        fake.toFile().setExecutable(true);
        ContainerRuntime rt = ContainerRuntime.of(fake.toString(), Optional.empty(), Map.of("DOCKER_HOST", "tcp://build:2376",
                "DOCKER_CONFIG", "/tmp/registry-cfg", "DOCKER_CERT_PATH", "/tmp/certs", "UNRELATED", "x"));

        assertThat(rt.exec("version").output()).isEqualTo("tcp://build:2376|/tmp/registry-cfg|/tmp/certs|");
        assertThat(rt.cliEnvironment()).containsOnlyKeys("DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CERT_PATH");
        assertThat(rt.isRemote()).isTrue();
    }

    @Test
    void unknownRuntimeNamesTheChoices() {
        assertThatThrownBy(() -> ContainerRuntime.of("lxc", Optional.empty(), Map.of())).hasMessageContaining("docker or podman");
    }

    @Test
    void missingRuntimeBinaryIsAOneLineSetupError() {
        ContainerRuntime rt = ContainerRuntime.of("/nonexistent/podman", Optional.empty(), Map.of());
        assertThatThrownBy(rt::checkAvailable).hasMessageContaining("not installed");
    }

    @Test
    void lockFileSerialisesHolders(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("containers.lock");
        try (ContainerLock first = ContainerLock.acquire(file, java.time.Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> ContainerLock.acquire(file, java.time.Duration.ofMillis(300)))
                    .hasMessageContaining("held by another");
        }
        try (ContainerLock again = ContainerLock.acquire(file, java.time.Duration.ofMillis(300))) {
            assertThat(file).exists();
        }
    }

    @Test
    void oneLineReasonSkipsTheCliBanner() {
        CliResult r = new CliResult(1, "Client:\n Version: 27\n\nCannot connect to the Docker daemon at unix:///var/run/docker.sock.", false);
        assertThat(r.firstLine()).startsWith("Cannot connect to the Docker daemon");
        assertThat(new CliResult(1, "", false).firstLine()).isEqualTo("exit code 1, no output");
        assertThat(new CliResult(0, "abc\ndef", false).firstLine()).isEqualTo("abc");
    }

    /** A stand-in CLI named {@code name} in {@code dir} that prints {@code output} and exits with {@code code}. */
    private static ContainerRuntime cli(Path dir, String name, String output, int code) throws Exception {
        Path exe = dir.resolve(name);
        java.nio.file.Files.writeString(exe, "#!/bin/sh\ncat <<'EOF'\n" + output + "\nEOF\nexit " + code + "\n");
        exe.toFile().setExecutable(true);
        return ContainerRuntime.of(exe.toString(), Optional.empty(), Map.of());
    }

    @Test
    void loadReportsTheImagesEachCliSaysItLoaded(@TempDir Path dir) throws Exception {
        Path archive = dir.resolve("i.tar");
        java.nio.file.Files.createDirectories(dir.resolve("p"));
        java.nio.file.Files.createDirectories(dir.resolve("d"));
        ContainerRuntime podman = cli(dir.resolve("p"), "podman", "Getting image source signatures\nCopying blob sha256:0a\n"
                + "Loaded image(s): localhost/a:1, localhost/b:2", 0);
        ContainerRuntime docker = cli(dir.resolve("d"), "docker", "Loaded image: java17:ci\nLoaded image ID: sha256:77ab", 0);

        assertThat(podman.load(archive, java.time.Duration.ofSeconds(30))).containsExactly("localhost/a:1", "localhost/b:2");
        assertThat(docker.load(archive, java.time.Duration.ofSeconds(30))).containsExactly("java17:ci", "sha256:77ab");
    }

    @Test
    void aFailedLoadIsOneLineWithTheClisError(@TempDir Path dir) throws Exception {
        ContainerRuntime podman = cli(dir, "podman", "Getting image source signatures\nError: payload does not match any "
                + "of the supported image formats:\n * oci: not a directory", 125);

        assertThatThrownBy(() -> podman.load(dir.resolve("x.tar"), java.time.Duration.ofSeconds(30)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("podman load -i " + dir.resolve("x.tar") + " failed: Error: payload does not match any of "
                        + "the supported image formats:");
    }
}
