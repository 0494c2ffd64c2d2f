package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageArchiveTest {

    @TempDir
    Path ws;

    @Test
    void theEnvironmentNamesTheArchiveAndTheOriginalToolsNameIsAnAlias() {
        assertThat(ImageArchive.fromEnvironment(Map.of(ImageArchive.VARIABLE, " a.tar ", ImageArchive.LEGACY_VARIABLE, "b.tar")))
                .contains(new ImageArchive("a.tar", ImageArchive.VARIABLE));
        assertThat(ImageArchive.fromEnvironment(Map.of(ImageArchive.VARIABLE, " ", ImageArchive.LEGACY_VARIABLE, "b.tar")))
                .contains(new ImageArchive("b.tar", ImageArchive.LEGACY_VARIABLE));
        assertThat(ImageArchive.fromEnvironment(Map.of())).isEmpty();
        assertThat(SelfTestOptions.builder(ws).hostEnvironment(Map.of(ImageArchive.VARIABLE, "a.tar"))
                .imageArchive(new ImageArchive("c.tar", "--image-archive")).build().imageArchive())
                .as("the option wins").contains(new ImageArchive("c.tar", "--image-archive"));
    }

    @Test
    void aNamedImageWinsElseTheArchivesOnlyImage() throws Exception {
        ImageArchive a = new ImageArchive("i.tar", "imageArchive");
        SelfTestOptions named = SelfTestOptions.builder(ws).image("localhost/mine:1").build();
        SelfTestOptions unnamed = SelfTestOptions.builder(ws).build();

        assertThat(a.imageToUse(named, List.of("localhost/other:2"))).isEqualTo("localhost/mine:1");
        assertThat(a.imageToUse(unnamed, List.of("localhost/java17:ci"))).isEqualTo("localhost/java17:ci");
        assertThat(a.imageToUse(unnamed, List.of("x:1", SelfTestOptions.DEFAULT_IMAGE)))
                .isEqualTo(SelfTestOptions.DEFAULT_IMAGE);
        assertThatThrownBy(() -> a.imageToUse(unnamed, List.of("x:1", "y:2"))).isInstanceOf(SetupException.class)
                .hasMessage("imageArchive: image archive i.tar holds 2 images (x:1, y:2): name the image to use "
                        + "(--container-image / image)");
        assertThatThrownBy(() -> a.imageToUse(unnamed, List.of())).hasMessageContaining("holds no image");
    }

    @Test
    void anImageNameThatWouldReadAsAnOptionIsRefused() {
        ImageArchive a = new ImageArchive("i.tar", "imageArchive");
        SelfTestOptions unnamed = SelfTestOptions.builder(ws).build();

        assertThatThrownBy(() -> a.imageToUse(unnamed, List.of("--privileged"))).isInstanceOf(SetupException.class)
                .hasMessage("imageArchive: image archive i.tar holds an image named '--privileged', which is no image "
                        + "reference: name the image to use (--container-image / image)");
        assertThatThrownBy(() -> a.imageToUse(unnamed, List.of("a b"))).isInstanceOf(SetupException.class);
    }
}
