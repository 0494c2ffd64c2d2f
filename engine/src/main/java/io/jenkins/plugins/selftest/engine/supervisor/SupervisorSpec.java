package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a supervisor runs: its services and its own timing. Immutable; round-trips through
 * {@link io.jenkins.plugins.selftest.engine.json.Json} (it is the control directory's {@code spec.json}).
 *
 * @param services          the services, in declaration order
 * @param heartbeatInterval how often the daemon touches its heartbeat file; default 2 s
 * @param staleAfter        heartbeat age after which a client considers the daemon dead; default 15 s
 */
public record SupervisorSpec(List<ServiceSpec> services, Duration heartbeatInterval, Duration staleAfter) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(15);

    public SupervisorSpec {
        services = List.copyOf(services);
        heartbeatInterval = heartbeatInterval == null ? DEFAULT_HEARTBEAT : heartbeatInterval;
        staleAfter = staleAfter == null ? DEFAULT_STALE_AFTER : staleAfter;
    }

    public static SupervisorSpec of(List<ServiceSpec> services) {
        return new SupervisorSpec(services, DEFAULT_HEARTBEAT, DEFAULT_STALE_AFTER);
    }

    public static SupervisorSpec of(ServiceSpec... services) {
        return of(List.of(services));
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Every problem of this spec, each naming the field ({@code services[1].restart: ...}) and the fix: invalid
     * values, duplicate names, unknown or cyclic dependencies. Empty when the spec can run.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (services.isEmpty()) {
            problems.add("services: no service given: add at least one");
        }
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
            problems.add("heartbeatInterval: must be more than 0, e.g. 2s");
        }
        if (staleAfter.compareTo(heartbeatInterval) <= 0) {
            problems.add("staleAfter: " + Durations.format(staleAfter) + " must be longer than heartbeatInterval "
                    + Durations.format(heartbeatInterval) + ", e.g. 15s");
        }
        Map<String, Integer> seen = new LinkedHashMap<>(); // in the order of the spec, for messages
        for (int i = 0; i < services.size(); i++) {
            ServiceSpec s = services.get(i);
            String path = "services[" + i + "]";
            problems.addAll(s.problems(path));
            Integer first = seen.putIfAbsent(s.name(), i);
            if (first != null) {
                problems.add(path + ".name: '" + s.name() + "' is already the name of services[" + first
                        + "]: give every service its own name");
            }
        }
        for (int i = 0; i < services.size(); i++) {
            for (String dep : services.get(i).dependsOn()) {
                if (!seen.containsKey(dep)) {
                    problems.add("services[" + i + "].dependsOn: '" + dep + "' is not a service here: use one of "
                            + String.join(", ", seen.keySet()));
                }
            }
        }
        cycle().ifPresent(c -> problems.add("dependsOn: the services " + String.join(" -> ", c)
                + " depend on each other in a cycle: remove one of these dependencies"));
        return problems;
    }

    /** Throws when {@link #problems()} is not empty. */
    public SupervisorSpec validate() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return this;
    }

    private Optional<List<String>> cycle() {
        Map<String, ServiceSpec> byName = new LinkedHashMap<>();
        services.forEach(s -> byName.putIfAbsent(s.name(), s));
        Set<String> done = new HashSet<>();
        for (String start : byName.keySet()) {
            List<String> path = new ArrayList<>();
            Optional<List<String>> found = visit(start, byName, done, path, new HashSet<>());
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<List<String>> visit(String name, Map<String, ServiceSpec> byName, Set<String> done,
                                                List<String> path, Set<String> onPath) {
        if (onPath.contains(name)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            return Optional.of(cycle);
        }
        if (done.contains(name) || !byName.containsKey(name)) {
            return Optional.empty();
        }
        onPath.add(name);
        path.add(name);
        for (String dep : byName.get(name).dependsOn()) {
            if (dep.equals(name)) {
                continue; // reported as a field problem
            }
            Optional<List<String>> found = visit(dep, byName, done, path, onPath);
            if (found.isPresent()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        onPath.remove(name);
        done.add(name);
        return Optional.empty();
    }

    /** Services in an order where every service comes after its dependencies. */
    List<ServiceSpec> topologicalOrder() {
        Map<String, ServiceSpec> byName = new LinkedHashMap<>();
        services.forEach(s -> byName.put(s.name(), s));
        List<ServiceSpec> order = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (order.size() < byName.size()) {
            int before = order.size();
            for (ServiceSpec s : byName.values()) {
                if (!placed.contains(s.name()) && placed.containsAll(s.dependsOn())) {
                    order.add(s);
                    placed.add(s.name());
                }
            }
            if (order.size() == before) {
                throw new SpecException(List.of("dependsOn: cyclic dependencies"));
            }
        }
        return order;
    }

    static SupervisorSpec requireValid(SupervisorSpec spec) {
        return Objects.requireNonNull(spec, "spec").validate();
    }
}
