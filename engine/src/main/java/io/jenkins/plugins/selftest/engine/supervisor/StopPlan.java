package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The order of a stop: services in levels, every service in a level before the services it depends on, and the
 * services of one level stopped together (they do not depend on each other). The first level holds what nothing
 * depends on; the last, what depends on nothing.
 *
 * <p>Immutable.
 *
 * @param levels service names, level by level, each level in the order given to {@link #of}
 */
record StopPlan(List<List<String>> levels) {

    /** A live run to stop: its tree and, when it is our child, the process to reap once the tree is gone. */
    record Target(ServiceSpec spec, long pid, String cookie, Optional<Process> child) {
        ProcessTree.Tree tree() {
            return new ProcessTree.Tree(pid, cookie, spec.stopSignal(), spec.stopTimeout());
        }
    }

    StopPlan {
        levels = levels.stream().map(List::copyOf).toList();
    }

    /**
     * The plan for {@code services}, which must be in topological order (dependencies first, as
     * {@link SupervisorSpec#topologicalOrder()} gives them).
     */
    static StopPlan of(List<ServiceSpec> services) {
        // a service's depth is one more than its deepest dependency's: it stops one level before that one
        Map<String, Integer> depth = new HashMap<>();
        int max = 0;
        for (ServiceSpec s : services) {
            int d = 0;
            for (String dep : s.dependsOn()) {
                d = Math.max(d, depth.getOrDefault(dep, 0) + 1);
            }
            depth.put(s.name(), d);
            max = Math.max(max, d);
        }
        List<List<String>> levels = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            levels.add(new ArrayList<>());
        }
        for (ServiceSpec s : services) {
            levels.get(max - depth.get(s.name())).add(s.name());
        }
        return new StopPlan(levels);
    }

    /**
     * The stop targets of some services, by level: the values of {@code targets} (keyed by service name) in this
     * plan's order; services without a target and levels left empty are left out.
     */
    <T> List<List<T>> order(Map<String, T> targets) {
        List<List<T>> out = new ArrayList<>();
        for (List<String> level : levels) {
            List<T> group = level.stream().filter(targets::containsKey).map(targets::get).toList();
            if (!group.isEmpty()) {
                out.add(group);
            }
        }
        return out;
    }
}
