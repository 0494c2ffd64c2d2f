package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CookiesTest {

    private final Cookies cookies = new Cookies("abc");

    @Test
    void aRunsCookieNamesTheSupervisorTheServiceAndTheRun() {
        assertThat(cookies.of("api", 3)).isEqualTo("abc.api.3");
        assertThat(cookies.run("api", "abc.api.3")).isEqualTo(OptionalInt.of(3));
        assertThat(cookies.ours("abc.api.3")).isTrue();
        assertThat(cookies.ours("abd.api.3")).isFalse();
    }

    @Test
    void cookiesOfOtherServicesOrSupervisorsHaveNoRunOfTheService() {
        assertThat(cookies.run("api", "abc.api.v2.3")).isEmpty();
        assertThat(cookies.run("api", "abc.api2.3")).isEmpty();
        assertThat(cookies.run("api", "xyz.api.3")).isEmpty();
        assertThat(cookies.run("api", "abc.api.")).isEmpty();
        assertThat(cookies.run("api", "abc.api.99999999999")).isEmpty();
        assertThat(cookies.run("api.v2", "abc.api.v2.3")).isEqualTo(OptionalInt.of(3));
    }
}
