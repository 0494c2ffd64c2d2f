package io.jenkins.plugins.selftest.engine.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceFilesTest {

    @TempDir
    Path ws;

    private Path touch(String relative) throws IOException {
        Path p = ws.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
        return p;
    }

    @Test
    void leadingDoubleStarAlsoMatchesAtTheTopAsInAnt() throws IOException {
        Path top = touch("test_top.py");
        Path deep = touch("tests/unit/test_deep.py");
        touch("tests/helper.py");

        assertThat(WorkspaceFiles.files(ws, List.of("**/test_*.py"))).containsExactly(top, deep);
    }

    @Test
    void neverEntersGitOrNodeModules() throws IOException {
        Path kept = touch("a/b.exec");
        touch(".git/objects/c.exec");
        touch("web/node_modules/d.exec");

        assertThat(WorkspaceFiles.files(ws, List.of("**/*.exec"))).containsExactly(kept);
    }

    @Test
    void directoriesTakePlainEntriesAsTheyAreAndStopAtAMatch() throws IOException {
        touch("mod-a/target/classes/A.class");
        touch("mod-b/target/classes/nested/target/classes/B.class");

        assertThat(WorkspaceFiles.directories(ws, List.of("build/classes", "**/target/classes")))
                .containsExactly(ws.resolve("build/classes"), ws.resolve("mod-a/target/classes"),
                        ws.resolve("mod-b/target/classes"));
    }

    @Test
    void refusesPathsAndGlobsThatLeadOutOfTheWorkspace() {
        assertThatThrownBy(() -> WorkspaceFiles.inside(ws, "../../etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'../../etc/passwd' leads out of the workspace")
                .hasMessageEndingWith(": give a path inside it");
        assertThatThrownBy(() -> WorkspaceFiles.inside(ws, "/etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkspaceFiles.files(ws, List.of("../*/secrets")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(WorkspaceFiles.inside(ws, "a/../b")).isEqualTo(ws.resolve("b"));
        assertThat(WorkspaceFiles.inside(ws, ws.resolve("c").toString())).isEqualTo(ws.resolve("c"));
    }
}
