package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The CLI's duration options take what spec files and step parameters take, and refuse in the CLI's words. */
class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"90,90", "90s,90", "20m,1200", "1h,3600", "2d,172800", "PT20M,1200", "1.5m,90", "1m30s,90"})
    void acceptsTheEngineSpellings(String value, long seconds) {
        assertThat(new DurationConverter().convert(value)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"forever", "-5", "PT-5S", "1w"})
    void refusesWithTheCliWording(String value) {
        assertThatThrownBy(() -> new DurationConverter().convert(value))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'" + value + "' is not a duration: use e.g. 90, 90s, 20m, 1h");
    }
}
