package io.jenkins.plugins.selftest.engine.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "*.exec|jacoco.exec|true",
            "*.exec|a/jacoco.exec|false",
            "**/*.exec|a/b/jacoco.exec|true",
            "**.exec|a/b/jacoco.exec|true",
            "target/?/x|target/a/x|true",
            "target/?/x|target/ab/x|false",
            "[a-c]*.py|b_test.py|true",
            "[!a-c]*.py|b_test.py|false",
            "{src,lib}/**/*.py|lib/pkg/m.py|true",
            "{src,lib}/**/*.py|test/pkg/m.py|false",
            "a\\*b|a*b|true",
            "a\\*b|axb|false",
    })
    void matchesAsTheJdksGlobsDo(String glob, String path, boolean expected) {
        assertThat(Glob.ofPath(glob).matches(path)).isEqualTo(expected);
    }

    @Test
    void refusesWhatItCannotReadWithTheFix() {
        assertThatThrownBy(() -> Glob.ofPath("a[bc")).hasMessageContaining("'[' without its ']'");
        assertThatThrownBy(() -> Glob.ofPath("a{b,c")).hasMessageContaining("'{' without its '}'");
        assertThatThrownBy(() -> Glob.ofPath("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"))
                .hasMessageContaining("more than 64 alternatives");
    }

    /**
     * Issue #10, item 12: the JDK matches globs as regular expressions, and twenty stars against a 200-character file
     * name backtrack for ever; coverage globs come from Jenkinsfiles and file names from builds.
     */
    @Test
    void aGlobOfManyStarsOverALongFileNameIsDecidedAtOnce(@TempDir Path ws) throws IOException {
        Path file = ws.resolve("a".repeat(200));
        Files.writeString(file, "x");
        String glob = "*a".repeat(20) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThat(WorkspaceFiles.files(ws, List.of(glob))).isEmpty();
            assertThat(WorkspaceFiles.files(ws, List.of("*a".repeat(20)))).containsExactly(file);
        });
    }
}
