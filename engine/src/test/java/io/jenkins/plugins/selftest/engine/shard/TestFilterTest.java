package io.jenkins.plugins.selftest.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestFilterTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "*IT, com.acme.OrderIT, true",
            "*IT, com.acme.OrderTest, false",
            "com.acme.*Test, com.acme.OrderTest, true",
            "com.acme.*Test, com.acme.sub.OrderTest, false",
            "com.**Test, com.acme.sub.OrderTest, true",
            "com.acme.Order?est, com.acme.OrderTest, true",
            "com.acme.Order?est, com.acme.Order.est, false",
            "tests/**/test_*.py, tests/unit/db/test_pool.py, true",
            "tests/*/test_*.py, tests/unit/db/test_pool.py, false",
            "**, anything.at.All, true",
            "a.**.c, a.x/b.y.c, true",
            "a.**.c, a.x/b.y.d, false",
            "Calc*, CalculatorTest, true",
            "*, '', true",
            "?, '', false",
    })
    void globsMatchAsDocumented(String glob, String testId, boolean expected) {
        assertThat(TestFilter.matches(glob, testId)).isEqualTo(expected);
    }

    @Test
    void includesAndExcludes() {
        TestFilter f = new TestFilter(List.of("*Test"), List.of("Slow*"));
        assertThat(f.accepts("a.FastTest")).isTrue();
        assertThat(f.accepts("a.SlowTest")).isFalse();
        assertThat(f.accepts("a.OrderIT")).isFalse();
    }

    /**
     * Issue #10, item 12: a pattern from a Jenkinsfile must not take a run down. As a regular expression, stars
     * against a long id that almost matches backtrack for ever; matching is linear in pattern times id.
     */
    @Test
    void aPatternOfManyStarsAgainstALongIdIsDecidedAtOnce() {
        String glob = "*a".repeat(30) + "b";
        String id = "a".repeat(5_000);
        String deep = "**a".repeat(30) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThat(TestFilter.matches(glob, id)).isFalse();
            assertThat(TestFilter.matches(deep, "x." + id)).isFalse();
            assertThat(TestFilter.matches(glob, id + "b")).isTrue();
        });
    }
}
