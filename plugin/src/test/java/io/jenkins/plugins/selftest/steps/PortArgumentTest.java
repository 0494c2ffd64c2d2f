package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code port: 5432} and {@code port: 'auto'} reach the same text field; the spec gets a number or 'auto'. */
class PortArgumentTest {

    private final PortArgument model = new SupervisedServiceStep.DescriptorImpl();

    @Test
    void aNumberBecomesTextBeforePipelineBindsIt() {
        Map<String, Object> args = new LinkedHashMap<>(Map.of("name", "api", "port", 5432));
        assertThat(model.customInstantiate(args)).containsEntry("port", "5432").containsEntry("name", "api");
        assertThat(args).as("the caller's map").containsEntry("port", 5432);
    }

    @Test
    void textAndMissingPortsStayAsTheyAre() {
        Map<String, Object> auto = Map.of("port", "auto");
        assertThat(model.customInstantiate(auto)).isSameAs(auto);
        Map<String, Object> none = Map.of("name", "api");
        assertThat(model.customInstantiate(none)).isSameAs(none);
    }

    @Test
    void theFieldKeepsTrimmedTextAndTheSpecGetsANumberOrAuto() {
        assertThat(PortArgument.text(" auto ")).isEqualTo("auto");
        assertThat(PortArgument.text("")).isNull();
        assertThat(PortArgument.text("0")).as("the form's empty number").isNull();
        assertThat(PortArgument.specValue("8080")).isEqualTo(8080);
        assertThat(PortArgument.specValue("-1")).isEqualTo(-1);
        assertThat(PortArgument.specValue("auto")).isEqualTo("auto");
        ReadinessSettings r = new ReadinessSettings();
        r.setPort("  5432 ");
        assertThat(r.getPort()).isEqualTo("5432");
    }
}
