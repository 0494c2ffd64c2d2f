package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameworkTest {

    @Test
    void mavenRunsSurefireOnTheShardsClassesWithForksAndTheJacocoAgent(@TempDir Path ws) {
        String sh = Framework.MAVEN.script(ws, List.of("a.BTest", "a.CTest"), "/home/u/.m2", null, true);

        assertThat(sh).contains("mvn -B").contains("-o -Dmaven.repo.local='/home/u/.m2/repository'")
                .contains("jacoco-maven-plugin:" + Framework.JACOCO_VERSION + ":prepare-agent surefire:test")
                .contains("-Djacoco.destFile=\"$SELFTEST_REPORTS_DIR/jacoco-$SELFTEST_SHARD_INDEX.exec\"")
                .contains("-Dtest='a.BTest,a.CTest'")
                .contains("-DforkCount=\"$SELFTEST_WORKERS\"")
                .endsWith("exit $rc");
    }

    @Test
    void withoutCoverageNoPresetAttachesAnAgentOrWritesExecFiles(@TempDir Path ws) {
        String sh = Framework.MAVEN.script(ws, List.of("a.BTest"), "/home/u/.m2", null, false);

        assertThat(sh).contains("mvn -B").contains(" surefire:test -Dtest='a.BTest'")
                .doesNotContain("jacoco").doesNotContain(".exec");
        assertThat(Framework.PYTEST.script(ws, List.of("tests/test_a.py"), null, null, false))
                .doesNotContain("--cov").doesNotContain("coverage");
    }

    @Test
    void mavenUsesTheProjectsWrapperWhenThereIsOne(@TempDir Path ws) throws Exception {
        java.nio.file.Files.writeString(ws.resolve("mvnw"), "#!/bin/sh\n");
        ws.resolve("mvnw").toFile().setExecutable(true);
        assertThat(Framework.MAVEN.script(ws, List.of("T"), null, null, true)).contains("./mvnw -B").doesNotContain(" -o ");
    }

    @Test
    void pytestGetsWorkersAndJunitXml(@TempDir Path ws) {
        String sh = Framework.PYTEST.script(ws, List.of("tests/test_a.py", "tests/it's.py"), null, null, true);
        assertThat(sh).contains("-n $SELFTEST_WORKERS").contains("--junitxml=\"$SELFTEST_REPORTS_DIR/junit-$SELFTEST_SHARD_INDEX.xml\"")
                .contains("'tests/test_a.py' 'tests/it'\\''s.py'");
    }

    @Test
    void pytestWithCoverageMeasuresTheSourceRootsWithPytestCovAndLeavesCoveragePyJson(@TempDir Path ws) {
        String sh = Framework.PYTEST.script(ws, List.of("tests/test_a.py"), null, null, true);

        assertThat(sh).contains("py=\"${SELFTEST_PYTHON:-python3}\"")
                .contains("--cov --cov-branch --cov-report= \"--cov-config=$r/coveragerc\"")
                .contains("relative_files = True").contains("$SELFTEST_COVERAGE_SOURCES")
                .contains("export COVERAGE_FILE=\"$r/.coverage\"")
                .contains("-m coverage json -q --rcfile=\"$r/coveragerc\" -o \"$r/coverage-$SELFTEST_SHARD_INDEX.json\"")
                .contains("has no pytest-cov: install it (Debian: python3-pytest-cov")
                .endsWith("exit $rc");
    }

    @Test
    void gradlePassesEachClassAsTestsFilter(@TempDir Path ws) {
        assertThat(Framework.GRADLE.script(ws, List.of("a.BTest"), null, null, true))
                .contains("gradle test --continue --max-workers=\"$SELFTEST_WORKERS\" --tests 'a.BTest'");
    }

    @Test
    void customNeedsATemplate(@TempDir Path ws) {
        assertThat(Framework.CUSTOM.script(ws, List.of("x"), null, "make SHARD=$SELFTEST_SHARD_INDEX", true)).isEqualTo("make SHARD=$SELFTEST_SHARD_INDEX");
        assertThatThrownBy(() -> Framework.CUSTOM.script(ws, List.of("x"), null, " ", true)).hasMessageContaining("--command");
        assertThatThrownBy(() -> Framework.parse("ant")).hasMessageContaining("maven, gradle, pytest or custom");
    }
}
