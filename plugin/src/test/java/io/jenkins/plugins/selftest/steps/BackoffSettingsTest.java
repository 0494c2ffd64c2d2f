package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.supervisor.Backoff;
import io.jenkins.plugins.selftest.engine.supervisor.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue #8, 10e): {@code backoff.resetAfter} defaulted to 60 s in the step, its form and help, but to 10 s
 * in the engine that applies it ({@link Backoff#DEFAULT}, used when no {@code backoff} is given).
 */
class BackoffSettingsTest {

    private static final String DIR = "/io/jenkins/plugins/selftest/steps/";

    @Test
    void defaultsAreTheEnginesDefaults() {
        BackoffSettings b = new BackoffSettings();
        assertThat(Durations.parse(b.getInitial())).isEqualTo(Backoff.DEFAULT.initial());
        assertThat(b.getFactor()).isEqualTo(Backoff.DEFAULT.factor());
        assertThat(Durations.parse(b.getMax())).isEqualTo(Backoff.DEFAULT.max());
        assertThat(Durations.parse(b.getResetAfter())).isEqualTo(Backoff.DEFAULT.resetAfter());
    }

    @Test
    void formAndHelpShowTheEnginesDefaults() throws IOException {
        String form = read("BackoffSettings/config.jelly");
        assertThat(Durations.parse(formDefault(form, "initial"))).isEqualTo(Backoff.DEFAULT.initial());
        assertThat(Durations.parse(formDefault(form, "max"))).isEqualTo(Backoff.DEFAULT.max());
        assertThat(Durations.parse(formDefault(form, "resetAfter"))).isEqualTo(Backoff.DEFAULT.resetAfter());

        String reset = "<code>" + Durations.format(Backoff.DEFAULT.resetAfter()) + "</code>";
        assertThat(read("BackoffSettings/help-resetAfter.html")).contains("Default " + reset);
        for (String help : new String[] {"ServiceDefinition/help-backoff.html", "SupervisedServiceStep/help-backoff.html"}) {
            assertThat(read(help)).as(help).contains("<code>resetAfter</code> (default " + reset + ")");
        }
    }

    private static String formDefault(String form, String field) {
        Matcher m = Pattern.compile("field=\"" + field + "\"[^>]*>\\s*<f:\\w+ default=\"([^\"]+)\"").matcher(form);
        assertThat(m.find()).as("default of %s in the form", field).isTrue();
        return m.group(1);
    }

    private static String read(String name) throws IOException {
        try (InputStream in = BackoffSettingsTest.class.getResourceAsStream(DIR + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
