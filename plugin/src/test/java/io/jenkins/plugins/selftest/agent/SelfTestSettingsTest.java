package io.jenkins.plugins.selftest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.run.ImageArchive;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step's settings as the agent turns them into engine options: globs, paths, environment, shard merge. */
class SelfTestSettingsTest {

    @TempDir
    Path ws;

    private static SelfTestSettings settings(String runtime, List<String> classes, List<String> exec) {
        return new SelfTestSettings("maven", Optional.empty(), 2, 4, List.of("*Test"), List.of("*IT"), runtime,
                Optional.of("img:1"), Optional.empty(), 90, true, exec, classes, List.of("src/main/java"), true, false,
                List.of(), List.of(), Optional.empty());
    }

    @Test
    void globsFindDirectoriesAndFilesInsideTheWorkspaceAntStyle() throws Exception {
        Files.createDirectories(ws.resolve("target/classes"));
        Files.createDirectories(ws.resolve("mod/target/classes"));
        Files.createDirectories(ws.resolve(".git/target/classes"));
        Files.createDirectories(ws.resolve("mod/target/it"));
        Files.writeString(ws.resolve("mod/target/it/jacoco-it.exec"), "x");

        SelfTestOptions o = settings("none", List.of("**/target/classes"), List.of("**/jacoco-it.exec"))
                .toOptions(ws, ws.resolve("report"), Optional.empty(), Map.of("A", "1"), "jenkins-1-x", false);

        assertThat(o.mainClassDirs()).containsExactly(ws.resolve("mod/target/classes"), ws.resolve("target/classes"));
        assertThat(o.extraExecFiles()).containsExactly(ws.resolve("mod/target/it/jacoco-it.exec"));
        assertThat(o.sourceDirs()).containsExactly(ws.resolve("src/main/java"));
        assertThat(o.filter().includes()).containsExactly("*Test");
        assertThat(o.filter().excludes()).containsExactly("*IT");
        assertThat(o.workers()).isEqualTo(4);
        assertThat(o.timeout().toSeconds()).isEqualTo(90);
        assertThat(o.useContainer()).isFalse();
        assertThat(o.environment()).containsEntry("A", "1");
        assertThat(o.runId()).contains("jenkins-1-x");
        assertThat(o.prepare()).isFalse();
    }

    @Test
    void theImageArchiveIsTheStepsFieldElseTheBuildEnvironmentsVariable() throws Exception {
        SelfTestSettings given = new SelfTestSettings("maven", Optional.empty(), 1, 1, List.of(), List.of(), "podman",
                Optional.empty(), Optional.empty(), 60, true, List.of(), List.of(), List.of(), true, false, List.of(),
                List.of(), Optional.of("images/java17.tar"));
        Map<String, String> env = Map.of(ImageArchive.VARIABLE, "env.tar");

        assertThat(given.toOptions(ws, ws.resolve("r"), Optional.empty(), env, "jenkins-1-i", false).imageArchive())
                .contains(new ImageArchive("images/java17.tar", "imageArchive"));
        assertThat(settings("podman", List.of(), List.of()).toOptions(ws, ws.resolve("r"), Optional.empty(), env,
                "jenkins-1-j", false).imageArchive()).contains(new ImageArchive("env.tar", ImageArchive.VARIABLE));
        assertThat(settings("podman", List.of(), List.of()).forShard(given).imageArchive())
                .as("the archive is the shard's agent's").contains("images/java17.tar");
        assertThat(Json.read(Json.write(given), SelfTestSettings.class)).isEqualTo(given);
        String earlier = Json.write(settings("none", List.of(), List.of())).replace(",\"imageArchive\":null", "");
        assertThat(earlier).doesNotContain("imageArchive");
        assertThat(Json.read(earlier, SelfTestSettings.class).imageArchive()).as("a plan's settings file of before")
                .isEmpty();
    }

    @Test
    void theBuildEnvironmentNamesTheEngineForContainerShards() throws Exception {
        SelfTestOptions o = settings("docker", List.of(), List.of()).toOptions(ws, ws.resolve("r"), Optional.empty(),
                Map.of("DOCKER_HOST", "tcp://remote:2376", "DOCKER_CONFIG", "/cfg"), "jenkins-1-y", true);

        assertThat(o.useContainer()).isTrue();
        assertThat(o.runtime()).isEqualTo("docker");
        assertThat(o.image()).isEqualTo("img:1");
        assertThat(o.hostEnvironment()).containsEntry("DOCKER_HOST", "tcp://remote:2376").containsEntry("DOCKER_CONFIG", "/cfg");
    }

    @Test
    void coverageAndTheRuntimeChoiceReachTheEngine() throws Exception {
        SelfTestSettings off = new SelfTestSettings("maven", Optional.empty(), 1, 1, List.of(), List.of(), " Podman ",
                Optional.empty(), Optional.empty(), 60, false, List.of("**/x.exec"), List.of(), List.of(), false, false,
                List.of("/opt/tools", "/srv/data:/data:rw"), List.of(), Optional.empty());

        SelfTestOptions o = off.toOptions(ws, ws.resolve("r"), Optional.empty(), Map.of(), "jenkins-1-c", false);

        assertThat(o.coverage()).isFalse();
        assertThat(o.extraExecFiles()).isEmpty();
        assertThat(o.runtime()).isEqualTo("podman");
        assertThat(o.mounts()).extracting(ContainerSpec.Mount::spelling)
                .containsExactly("/opt/tools:ro", "/srv/data:/data:rw");
        assertThat(settings("none", List.of(), List.of()).toOptions(ws, ws.resolve("r"), Optional.empty(), Map.of(),
                "jenkins-1-d", false).coverage()).isTrue();
        assertThatThrownBy(() -> settings("lxc", List.of(), List.of()).useContainer())
                .hasMessage("unknown container runtime 'lxc': use none, docker or podman");
    }

    @Test
    void pathsLeadingOutOfTheWorkspaceAreRefused() {
        assertThatThrownBy(() -> settings("none", List.of("../elsewhere/classes"), List.of())
                .toOptions(ws, ws.resolve("r"), Optional.empty(), Map.of(), "jenkins-1-z", false))
                .hasMessageContaining("leads out of the workspace");
    }

    @Test
    void aShardTakesThePlansTestsAndReportsButItsOwnRuntime() throws Exception {
        SelfTestSettings plan = settings("none", List.of("**/target/classes"), List.of());
        SelfTestSettings here = new SelfTestSettings("gradle", Optional.empty(), 9, 9, List.of(), List.of(), "podman",
                Optional.of("other:2"), Optional.of("ssh://h/x.sock"), 600, false, List.of(), List.of(), List.of(), false, true,
                List.of("/opt/tools"), List.of(), Optional.empty());

        SelfTestSettings s = plan.forShard(here);

        assertThat(s.framework()).isEqualTo("maven");
        assertThat(s.tests()).containsExactly("*Test");
        assertThat(s.coverage()).isTrue();
        assertThat(s.runtime()).isEqualTo("podman");
        assertThat(s.image()).contains("other:2");
        assertThat(s.dockerHost()).contains("ssh://h/x.sock");
        assertThat(s.timeoutSeconds()).isEqualTo(600);
        assertThat(s.mounts()).as("the agent's own host paths").containsExactly("/opt/tools");
        assertThat(plan.hasGlobs()).isTrue();
        assertThat(here.hasGlobs()).isFalse();
        assertThat(Json.read(Json.write(s), SelfTestSettings.class)).isEqualTo(s);
        SelfTestSettings withArgs = new SelfTestSettings("maven", Optional.empty(), 1, 1, List.of(), List.of(), "none",
                Optional.empty(), Optional.empty(), 60, true, List.of(), List.of(), List.of(), true, false, List.of(),
                List.of("-Pci", "-Dx=a b"), Optional.empty());
        assertThat(withArgs.toOptions(Path.of("/tmp"), Path.of("/tmp/r"), Optional.empty(), Map.of(), "jenkins-1-e", false).args())
                .containsExactly("-Pci", "-Dx=a b");
        assertThat(withArgs.forShard(here).args()).as("shards build as the plan's preparation did").containsExactly("-Pci", "-Dx=a b");
        assertThat(Json.read(Json.write(withArgs), SelfTestSettings.class)).isEqualTo(withArgs);
        assertThat(Json.read(Json.write(withArgs).replace(",\"args\":[\"-Pci\",\"-Dx=a b\"]", ""), SelfTestSettings.class).args())
                .as("a settings file of an earlier version has none").isEmpty();
        String earlier = Json.write(plan).replace(",\"mounts\":[]", "");
        assertThat(earlier).doesNotContain("mounts");
        assertThat(Json.read(earlier, SelfTestSettings.class)).as("a plan's settings file of before mounts")
                .isEqualTo(plan);
    }
}
