package io.jenkins.plugins.selftest.engine.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void splitsAsTheShellWould() throws Exception {
        String line = "-Pci  -Dx='a b' \"-Dy=c \\\"d\\\" \\$e\" plain\\ word '' -Dz=\"\"";
        List<String> words = ShellWords.split(line);
        assertThat(words).containsExactly("-Pci", "-Dx=a b", "-Dy=c \"d\" $e", "plain word", "", "-Dz=");
        // the same line through a real /bin/sh gives the same words
        Process sh = new ProcessBuilder("/bin/sh", "-c", "for w in " + line + "; do printf '%s\\n' \"[$w]\"; done")
                .redirectErrorStream(true).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        assertThat(out.lines().toList()).isEqualTo(words.stream().map(w -> "[" + w + "]").toList());
    }

    @Test
    void quoteAndJoinAreTheInverse() {
        List<String> words = List.of("it's", "a \"b\"", "$HOME", "", "back\\slash");
        assertThat(ShellWords.split(ShellWords.join(words))).isEqualTo(words);
        assertThat(ShellWords.split("  ")).isEmpty();
        assertThat(ShellWords.split(null)).isEmpty();
    }

    @Test
    void badOrUnboundedInputIsOneLine() {
        assertThatThrownBy(() -> ShellWords.split("-Dx='open")).hasMessage("has an unclosed ' at character 5: close it");
        assertThatThrownBy(() -> ShellWords.split("\"open")).hasMessage("has an unclosed \" at character 1: close it");
        assertThatThrownBy(() -> ShellWords.split("a\\")).hasMessage("ends with a lone \\: remove it or quote it");
        assertThatThrownBy(() -> ShellWords.split("x".repeat(ShellWords.MAX_LENGTH + 1))).hasMessageContaining("at most 8192");
        assertThatThrownBy(() -> ShellWords.split("a ".repeat(ShellWords.MAX_WORDS + 1))).hasMessageContaining("at most 256");
    }
}
