package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Regression (issue #8, 10d): {@code selfTestPlan} inherited every parameter of {@code selfTest}, and silently ignored
 * {@code image}, {@code runtime}, {@code dockerHost}, {@code failOnError} and {@code unstableOnFailures}.
 */
class SelfTestPlanStepTest {

    private static final Set<String> USED = Set.of("shards", "workers", "framework", "command", "args", "tests", "excludes",
            "timeout", "coverage", "coverageExec", "coverageClasses", "coverageSources", "orphans", "orphansRecursive");

    /** The parameters as Pipeline (structs' DescribableModel) finds them: @DataBoundSetters here and in superclasses. */
    private static Set<String> pipelineParameters(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(DataBoundSetter.class)) {
                    names.add(Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4));
                }
            }
        }
        return names;
    }

    @Test
    void takesExactlyTheParametersThePlanUses() {
        assertThat(pipelineParameters(SelfTestPlanStep.class)).containsExactlyInAnyOrderElementsOf(USED)
                .doesNotContain("image", "runtime", "dockerHost", "failOnError", "unstableOnFailures", "shard");
    }

    @Test
    void theFormOffersExactlyTheseParametersWithHelpForEach() throws IOException {
        Matcher m = Pattern.compile("field=\"(\\w+)\"").matcher(read("SelfTestPlanStep/config.jelly"));
        List<String> fields = new ArrayList<>();
        while (m.find()) {
            fields.add(m.group(1));
        }
        assertThat(fields).containsExactlyInAnyOrderElementsOf(USED);
        for (String f : fields) {
            String own = read("SelfTestPlanStep/help-" + f + ".html");
            if (!f.equals("timeout")) {
                assertThat(own).as("help of %s, the same as selfTest's", f).isEqualTo(read("SelfTestStep/help-" + f + ".html"));
            }
        }
    }

    @Test
    void everyParameterReadsBackAndReachesThePlansSettings() throws Exception {
        SelfTestPlanStep step = new SelfTestPlanStep();
        step.setShards(3);
        step.setWorkers(8);
        step.setFramework("gradle");
        step.setCommand("./gradlew test");
        step.setArgs("--offline '-Pflavour=a b'");
        step.setTests("*Test, *IT");
        step.setExcludes("*Slow*");
        step.setTimeout("20m");
        step.setCoverage(false);
        step.setCoverageExec("build/jacoco/*.exec");
        step.setCoverageClasses("build/classes/java/main");
        step.setCoverageSources("src/main/java");
        step.setOrphans(false);
        step.setOrphansRecursive(true);
        for (String p : USED) {
            String getter = (p.equals("coverage") || p.startsWith("orphans") ? "is" : "get")
                    + Character.toUpperCase(p.charAt(0)) + p.substring(1);
            assertThat(SelfTestPlanStep.class.getMethod(getter).invoke(step)).as(getter).isNotNull();
        }
        assertThat(step.getTests()).isEqualTo("*Test, *IT");
        assertThat(step.isOrphansRecursive()).isTrue();

        SelfTestSettings s = step.settings();
        assertThat(s.shards()).isEqualTo(3);
        assertThat(s.workers()).isEqualTo(8);
        assertThat(s.framework()).isEqualTo("gradle");
        assertThat(s.args()).containsExactly("--offline", "-Pflavour=a b");
        assertThat(s.tests()).containsExactly("*Test", "*IT");
        assertThat(s.excludes()).containsExactly("*Slow*");
        assertThat(s.timeoutSeconds()).isEqualTo(1200);
        assertThat(s.coverage()).isFalse();
        assertThat(s.coverageClasses()).containsExactly("build/classes/java/main");
        assertThat(s.orphans()).isFalse();
        assertThat(s.orphansRecursive()).isTrue();
    }

    /** The snippet generator leaves out a parameter at its default: both steps must have the same defaults. */
    @Test
    void everyParameterDefaultsAsSelfTestsDoes() throws Exception {
        for (String p : USED) {
            String getter = (p.equals("coverage") || p.startsWith("orphans") ? "is" : "get")
                    + Character.toUpperCase(p.charAt(0)) + p.substring(1);
            assertThat(SelfTestPlanStep.class.getMethod(getter).invoke(new SelfTestPlanStep())).as(p)
                    .isEqualTo(SelfTestStep.class.getMethod(getter).invoke(new SelfTestStep()));
        }
    }

    @Test
    void valuesAreCheckedAsSelfTestChecksThem() {
        SelfTestPlanStep none = new SelfTestPlanStep();
        none.setShards(0);
        assertThatThrownBy(none::settings).hasMessageStartingWith("selfTestPlan: shards: 0 is less than 1");
        SelfTestPlanStep custom = new SelfTestPlanStep();
        custom.setFramework("custom");
        assertThatThrownBy(custom::settings).hasMessageStartingWith("selfTestPlan: command:")
                .hasMessageContaining("needs a command");
    }

    private static String read(String name) throws IOException {
        try (InputStream in = SelfTestPlanStepTest.class.getResourceAsStream("/io/jenkins/plugins/selftest/steps/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
