package io.jenkins.plugins.selftest.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How users write a mount: read-only unless asked, the same path inside unless given, absolute paths only. */
class ContainerSpecTest {

    @ParameterizedTest
    @CsvSource({
            "/opt/tools,             /opt/tools, /opt/tools, true,  /opt/tools:ro",
            "/opt/tools:ro,          /opt/tools, /opt/tools, true,  /opt/tools:ro",
            "/srv/data:/data,        /srv/data,  /data,      true,  /srv/data:/data:ro",
            "/srv/data:/data:rw,     /srv/data,  /data,      false, /srv/data:/data:rw",
            "' /srv/./data/:/data ', /srv/data,  /data,      true,  /srv/data:/data:ro"})
    void aMountIsReadOnlyUnlessAskedAndAtTheSamePathUnlessGiven(String spelling, String host, String container,
                                                                boolean readOnly, String canonical) {
        Mount m = Mount.parse(spelling);

        assertThat(m).isEqualTo(new Mount(Path.of(host), container, readOnly));
        assertThat(m.spelling()).isEqualTo(canonical);
        assertThat(Mount.parse(m.spelling())).isEqualTo(m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "relative/dir", "~/.ssh", "/opt:data", "/a/../home/me/.ssh", "/a:/b:/c", "/a:/b:ro:rw"})
    void aBadMountSaysWhatIsWrongAndHowToWriteIt(String spelling) {
        assertThatThrownBy(() -> Mount.parse(spelling)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mount '" + spelling.strip() + "' ")
                .hasMessageEndingWith(": write HOST[:CONTAINER][:ro|:rw] with absolute paths, e.g. /opt/tools or "
                        + "/srv/data:/data:ro");
    }
}
