package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration parser: what spec files, step parameters and the CLI's options accept. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({"200ms,200", "30s,30000", "5m,300000", "1h,3600000", "30,30000", "1.5,1500", "PT2S,2000", "0,0"})
    void durationsAcceptUnitsOrSeconds(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    /**
     * What the CLI's own converter accepted before it delegated here (days, ISO forms in any case, bare seconds),
     * fractions, and sums as {@link Durations#format} writes them.
     */
    @ParameterizedTest
    @CsvSource({"2d,172800000", "1.5d,129600000", "1.5m,90000", "0.25s,250", "90,90000", "3600,3600000",
            "PT20M,1200000", "pt20m,1200000", "P2D,172800000", "P1DT2H,93600000", "20M,1200000", "1H,3600000",
            "' 5 m ',300000", "500ms,500", "1.5ms,1", "1m30s,90000", "1h 30m,5400000", "5ms,5"})
    void acceptsDaysFractionsAndIsoFormsInAnyCase(String text, long millis) {
        assertThat(Durations.parse(text).toMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3 weeks", "soon", "", "5x", "-5", "-5s", "1.s", "m", "2dd", "P"})
    void rejectsNonsenseSayingWhichSpellingsWork(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration: use e.g. 200ms, 30s, 5m, 1h or a number of seconds");
    }

    @Test
    void durationsRejectNonsense() {
        assertThatThrownBy(() -> Durations.parse("3 weeks")).hasMessageContaining("'3 weeks' is not a duration");
    }

    @Test
    void rejectsANegativeIsoDuration() {
        assertThatThrownBy(() -> Durations.parse("PT-5S")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'PT-5S' is negative: use 0 or more");
    }

    @ParameterizedTest
    @CsvSource({"0,0s", "250,250ms", "1500,1500ms", "30000,30s", "90000,1m30s", "300000,5m", "3600000,1h",
            "172800000,48h"})
    void formatsTheShortSpellingThatParsesBack(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void secondsAsANumberMustNotBeNegative() {
        assertThat(Durations.ofSeconds(1.5)).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Durations.ofSeconds(-1)).hasMessage("'-1.0' is negative: use 0 or more");
    }
}
