package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The readers of spec values; the fields they are used for are tested through SpecParserTest. */
class SpecNodeTest {

    private static SpecNode of(Object raw) {
        return SpecNode.of(raw);
    }

    @Test
    void aCommandIsAnArgvListOrAShellString() {
        assertThat(of(List.of("java", "-jar", "app.jar")).command()).containsExactly("java", "-jar", "app.jar");
        assertThat(of("java -jar app.jar").command()).containsExactly("/bin/sh", "-c", "java -jar app.jar");
        assertThatThrownBy(() -> of(" ").command()).hasMessage("must not be empty: give a shell string or an argv list");
        assertThatThrownBy(() -> of(List.of()).command()).hasMessage("must not be an empty list");
    }

    @Test
    void exitCodesAndNamesAreListsOrSeparatedStrings() {
        assertThat(of("0, 3 4").codes()).containsExactly(0, 3, 4);
        assertThat(of(List.of(0, 143)).codes()).containsExactly(0, 143);
        assertThatThrownBy(() -> of("0, 256").codes()).hasMessage("256 is not an exit code: use 0 to 255");
        assertThatThrownBy(() -> of("ok").codes()).hasMessage("'ok' is not an exit code: give a list of whole numbers");
        assertThat(of("db, cache").names()).containsExactly("db", "cache");
    }

    @Test
    void numbersDurationsAndSizes() {
        assertThat(of(3.0).integer()).isEqualTo(3);
        assertThatThrownBy(() -> of(2.5).integer()).hasMessage("'2.5' is not a whole number");
        assertThat(of("1.5").number()).isEqualTo(1.5);
        assertThat(of(2).duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(of(Duration.ofMillis(200)).duration()).isEqualTo(Duration.ofMillis(200));
        assertThat(of("10MB").size()).isEqualTo(10L * 1024 * 1024);
        assertThat(SpecNode.parseSize("512kb")).isEqualTo(512L * 1024);
        assertThatThrownBy(() -> SpecNode.parseSize("lots")).hasMessageContaining("is not a size");
    }

    @Test
    void aSingleValueIsNeitherAMapNorAListNorMissing() {
        assertThatThrownBy(() -> of(Map.of("a", 1)).string()).hasMessage("must be a single value");
        assertThatThrownBy(() -> of(null).string()).hasMessage("must be a single value");
        assertThat(of(Map.of("A", "1")).env()).containsEntry("A", "1");
        assertThat(of(Map.of("a", 1)).at()).isEmpty();
    }
}
