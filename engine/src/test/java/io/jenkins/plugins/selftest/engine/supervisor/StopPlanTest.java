package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stop levels by dependsOn: dependents first, independent services together. */
class StopPlanTest {

    private static ServiceSpec service(String name, String... dependsOn) {
        return ServiceSpec.shell(name, "sleep 60").dependsOn(dependsOn).build();
    }

    private static StopPlan plan(ServiceSpec... services) {
        return StopPlan.of(SupervisorSpec.of(services).topologicalOrder());
    }

    @Test
    void independentServicesStopTogether() {
        assertThat(plan(service("a"), service("b"), service("c")).levels()).containsExactly(List.of("a", "b", "c"));
    }

    @Test
    void dependentsStopBeforeWhatTheyDependOn() {
        StopPlan p = plan(service("web", "api"), service("api", "db", "cache"), service("db"), service("cache"));

        assertThat(p.levels()).containsExactly(List.of("web"), List.of("api"), List.of("db", "cache"));
    }

    @Test
    void aServiceStopsOneLevelBeforeItsDeepestDependency() {
        // d depends on a only, but stops with b: everything that depends on a is gone before a stops
        StopPlan p = plan(service("a"), service("b", "a"), service("c", "a", "b"), service("d", "a"));

        assertThat(p.levels()).containsExactly(List.of("c"), List.of("b", "d"), List.of("a"));
    }

    @Test
    void targetsAreGroupedByLevelLeavingOutServicesWithoutOneAndEmptyLevels() {
        StopPlan p = plan(service("web", "api"), service("api", "db"), service("db"), service("mock"));

        List<List<Integer>> order = p.order(Map.of("db", 1, "web", 3, "mock", 4));

        assertThat(order).containsExactly(List.of(3), List.of(1, 4));
    }
}
