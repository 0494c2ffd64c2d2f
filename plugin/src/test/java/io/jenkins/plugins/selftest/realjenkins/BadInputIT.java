package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input in a real Pipeline: one line naming the step, the field and the value (an {@code AbortException},
 * which Jenkins prints without a stack trace), for every choice and number field of every step.
 */
@ExtendWith(RealJenkinsExtension.class)
class BadInputIT {

    /** {call, step, field, value}: each call is wrong in exactly that field. */
    private static final String[][] CASES = {
        {"supervisedService(name: 'a', command: 'true', restart: 'sometimes') { echo 'no' }", "supervisedService", "restart", "sometimes"},
        {"supervisedService(name: 'a', command: 'true', onGiveUp: 'panic') { echo 'no' }", "supervisedService", "onGiveUp", "panic"},
        {"supervisedService(name: 'a', command: 'true', log: 'loud') { echo 'no' }", "supervisedService", "log", "loud"},
        {"supervisedService(name: 'a', command: 'true', maxRestarts: -2) { echo 'no' }", "supervisedService", "maxRestarts", "-2"},
        {"supervisedService(name: 'a', command: 'true', stopTimeout: 'soon') { echo 'no' }", "supervisedService", "stopTimeout", "soon"},
        {"supervisedService(name: 'a', command: 'true', backoff: [factor: 0.5d]) { echo 'no' }", "supervisedService", "factor", "0.5"},
        {"supervisedService(name: 'a', command: 'true', ready: [port: 70000]) { echo 'no' }", "supervisedService", "port", "70000"},
        {"supervisedService(services: [[name: 'a', command: 'true', restart: 'maybe']]) { echo 'no' }", "supervisedService", "restart", "maybe"},
        {"selfTest(shards: -1)", "selfTest", "shards", "-1"},
        {"selfTest(workers: -2)", "selfTest", "workers", "-2"},
        {"selfTest(runtime: 'dockr')", "selfTest", "runtime", "dockr"},
        {"selfTest(framework: 'ant')", "selfTest", "framework", "ant"},
        {"selfTest(timeout: 'soon')", "selfTest", "timeout", "soon"},
        {"selfTestPlan(shards: 0)", "selfTestPlan", "shards", "0"},
        {"selfTestPlan(framework: 'ant')", "selfTestPlan", "framework", "ant"},
    };

    @Test
    void everyBadValueIsOneLineNamingStepFieldAndValue(RealJenkins j) throws Exception {
        StringBuilder pipeline = new StringBuilder("node {\n");
        for (int i = 0; i < CASES.length; i++) {
            pipeline.append("  try { ").append(CASES[i][0]).append("; echo 'CASE ").append(i).append(" ACCEPTED' }\n")
                    .append("  catch (hudson.AbortException e) { echo \"CASE ").append(i)
                    .append(" ABORT ${e.message.replace('\\n', '\\\\n')}\" }\n")
                    .append("  catch (e) { echo 'CASE ").append(i).append(" OTHER ' + e }\n");
        }
        pipeline.append("}\n");
        RealJenkins.Build b = j.run("bad-input", pipeline.toString(), Duration.ofMinutes(3));
        String console = j.console(b.job(), b.number());
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < CASES.length; i++) {
            Matcher m = Pattern.compile("CASE " + i + " ABORT (.*)").matcher(console);
            String step = CASES[i][1];
            String field = CASES[i][2];
            String value = CASES[i][3];
            if (!m.find()) {
                wrong.add(CASES[i][0] + " -> not an AbortException: " + line(console, "CASE " + i + " "));
                continue;
            }
            String message = m.group(1);
            if (message.contains("\\n") || !message.startsWith(step + ": ") || !message.contains(field)
                    || !message.contains(value)) {
                wrong.add(CASES[i][0] + " -> " + message);
            }
        }
        assertThat(wrong).as("calls whose error is not one line '<step>: ... <field> ... <value> ...'").isEmpty();
    }

    @Test
    void anUncaughtBadValueEndsTheBuildWithOneLineAndNoStackTrace(RealJenkins j) throws Exception {
        RealJenkins.Build b = j.run("bad-restart", """
                node {
                  supervisedService(name: 'a', command: 'true', restart: 'sometimes') { echo 'body' }
                }
                """, Duration.ofMinutes(2));
        String console = j.console(b.job(), b.number());
        assertThat(b.result()).isEqualTo("FAILURE");
        assertThat(console).containsPattern("ERROR: supervisedService: .*restart.*'sometimes'")
                .doesNotContain("Exception", "\tat ").doesNotContainPattern("(?m)^\\s+at \\S+\\(");
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.contains(start)).findFirst().orElse("(no line)");
    }
}
