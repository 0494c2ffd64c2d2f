package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Containers;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #11 item 5 with real podman: the test image saved under a fresh tag into an archive in the workspace, the tag
 * removed, and a run that loads the archive before it checks its image.
 */
class ImageArchiveIT {

    private static final String WRITE_JUNIT = "for t in $(cat \"$SELFTEST_TESTS_FILE\"); do n=$(basename \"$t\" .py); "
            + "printf '<testsuite name=\"%s\" tests=\"1\"><testcase classname=\"%s\" name=\"ok\"/></testsuite>' "
            + "\"$n\" \"$n\" > \"$SELFTEST_REPORTS_DIR/TEST-$n.xml\"; done";

    private final String tag = "localhost/selftest-archive-" + UUID.randomUUID().toString().substring(0, 8) + ":it";
    @TempDir
    Path tmp;

    @AfterEach
    void removeTheLoadedImage() throws Exception {
        Containers.podman().exec("rmi", "-f", tag);
    }

    private Path workspace() throws Exception {
        Path ws = tmp.resolve("ws");
        Files.createDirectories(ws.resolve("tests"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(ws.resolve("tests/test_m" + i + ".py"), "def test_ok(): pass\n");
        }
        return ws;
    }

    /** The test image saved as {@code tag} into {@code archive}, and the tag gone from podman again. */
    private void save(Path archive) throws Exception {
        ContainerRuntime podman = Containers.podman();
        Files.createDirectories(archive.getParent());
        assertThat(podman.exec("tag", Containers.IMAGE, tag).ok()).isTrue();
        CliResult saved = podman.exec(List.of("save", "-o", archive.toString(), tag), Duration.ofMinutes(2));
        assertThat(saved.ok()).as(saved.output()).isTrue();
        assertThat(podman.exec("rmi", tag).ok()).isTrue();
        assertThat(podman.exec("image", "exists", tag).ok()).as("the tag is gone before the run").isFalse();
    }

    private SelfTestOptions.Builder options(Path ws) {
        return SelfTestOptions.builder(ws).framework(Framework.CUSTOM).command(WRITE_JUNIT).paths(List.of("tests/*.py"))
                .shards(2).useContainer(true).mounts(SelfTestOptions.defaultImageMounts(false))
                .reportDir(tmp.resolve("report")).hostEnvironment(Map.of());
    }

    @Test
    void shardsRunInTheImageLoadedFromTheArchiveWhenNoImageIsNamed() throws Exception {
        Containers.assumePodman();
        Path ws = workspace();
        save(ws.resolve("images/test-image.tar"));
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        SelfTestRun run = new SelfTestRun(options(ws).imageArchive(new ImageArchive("images/test-image.tar", "imageArchive"))
                .build());

        RunSummary summary = run.run(new RunListener() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        });

        assertThat(notes).contains("loaded image " + tag + " from images/test-image.tar (imageArchive)");
        assertThat(summary.allPassed()).as(summary.problems().toString()).isTrue();
        assertThat(summary.tests().total()).isEqualTo(3);
        assertThat(summary.shards()).hasSize(2).allSatisfy(s -> assertThat(s.outcome()).isEqualTo(ShardOutcome.OK));
        assertThat(summary.mode()).startsWith("podman containers (local engine").endsWith("image " + tag + ")");
        assertThat(run.options().image()).isEqualTo(tag);
    }

    @Test
    void theEnvironmentNamesTheArchiveWhenTheOptionIsAbsentAndANamedImageWins() throws Exception {
        Containers.assumePodman();
        Path ws = workspace();
        save(ws.resolve("test-image.tar"));
        SelfTestOptions o = options(ws).image(tag).hostEnvironment(Map.of(ImageArchive.LEGACY_VARIABLE, "test-image.tar"))
                .build();

        RunSummary summary = new SelfTestRun(o).run(RunListener.NONE);

        assertThat(o.imageArchive()).contains(new ImageArchive("test-image.tar", ImageArchive.LEGACY_VARIABLE));
        assertThat(summary.allPassed()).as(summary.problems().toString()).isTrue();
        assertThat(summary.mode()).endsWith("image " + tag + ")");
    }

    @Test
    void aMissingArchiveOneOutsideTheWorkspaceAndOneThatIsNoImageAreOneLineNamingTheField() throws Exception {
        Containers.assumePodman();
        Path ws = workspace();
        Files.writeString(ws.resolve("garbage.tar"), "not an image\n");
        Files.writeString(tmp.resolve("outside.tar"), "");

        assertThatThrownBy(() -> new SelfTestRun(options(ws)
                .imageArchive(new ImageArchive("missing.tar", "imageArchive")).build()).checkSetup())
                .isInstanceOf(SetupException.class)
                .hasMessage("imageArchive: image archive " + ws.resolve("missing.tar") + " does not exist: give the path"
                        + " of a file written by 'podman save' or 'docker save'");
        assertThatThrownBy(() -> new SelfTestRun(options(ws)
                .hostEnvironment(Map.of(ImageArchive.VARIABLE, "../outside.tar")).build()).checkSetup())
                .isInstanceOf(SetupException.class)
                .hasMessage(ImageArchive.VARIABLE + ": '../outside.tar' leads out of the workspace " + ws
                        + ": give a path inside it");
        assertThatThrownBy(() -> new SelfTestRun(options(ws)
                .imageArchive(new ImageArchive(ws.resolve("garbage.tar").toString(), "--image-archive")).build())
                .checkSetup())
                .isInstanceOf(SetupException.class)
                .hasMessageStartingWith("--image-archive: podman load -i " + ws.resolve("garbage.tar") + " failed: Error: ")
                .hasMessageEndingWith(" (give an archive written by 'podman save' or 'docker save')")
                .hasMessageNotContaining("\n");
    }
}
