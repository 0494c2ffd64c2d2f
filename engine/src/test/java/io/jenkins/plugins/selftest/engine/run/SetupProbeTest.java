package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The setup stage without containers: a missing workspace, and a runtime that is not there with and without fallback. */
class SetupProbeTest {

    @TempDir
    Path ws;

    @Test
    void aWorkspaceThatIsNotADirectoryIsAOneLineSetupError() {
        SelfTestOptions o = SelfTestOptions.builder(ws.resolve("missing")).build();

        assertThatThrownBy(() -> SetupProbe.probe(o, Setup.requested(o), "r1")).isInstanceOf(SetupException.class)
                .hasMessage("workspace " + ws.resolve("missing") + " is not a directory: pass the project directory "
                        + "as the path argument");
    }

    @Test
    void localProcessesNeedNothingMore() throws Exception {
        SelfTestOptions o = SelfTestOptions.builder(ws).build();

        Setup s = SetupProbe.probe(o, Setup.requested(o), "r1");

        assertThat(s.runtime()).isEmpty();
        assertThat(s.fallbackReason()).isEmpty();
    }

    @Test
    void aMissingRuntimeFailsUnlessFallbackIsAsked() throws Exception {
        SelfTestOptions strict = SelfTestOptions.builder(ws).useContainer(true).runtime("/nonexistent/podman").build();
        SelfTestOptions lenient = SelfTestOptions.builder(ws).useContainer(true).runtime("/nonexistent/podman")
                .containerFallback(true).build();

        assertThatThrownBy(() -> SetupProbe.probe(strict, Setup.requested(strict), "r1"))
                .isInstanceOf(SetupException.class).hasMessageContaining("not installed");
        Setup s = SetupProbe.probe(lenient, Setup.requested(lenient), "r1");
        assertThat(s.runtime()).isEmpty();
        assertThat(s.fallbackReason()).hasValueSatisfying(r -> assertThat(r).contains("not installed"));
        assertThat(s.mode(lenient)).isEqualTo("local processes");
    }
}
