package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ports, hosts and containers of a supervisor's services, fixed when it starts: allocates the ports
 * ({@link PortAllocator}; a resume takes the predecessor's back from {@code state.json}), sets up the container
 * blocks (network, named volumes), and turns each service into what is spawned: a process service gets
 * {@code $PORT}; a container service becomes its runtime's client ({@link ContainerLaunch}); both get the
 * {@link ServiceEndpoints} variables of the services they depend on; {@code ready: [port: 'auto']} and
 * {@code http: '/path'} aim at the service's own port.
 *
 * <p>Immutable after {@link #prepare}, except {@link #release}; thread-safe.
 */
final class ServicePorts {

    /** The key of {@code port} in {@link ServiceStatus#ports()} (and the variable a service finds it in). */
    static final String OWN = "PORT";

    /** One service as wired: what is spawned, where it is reached, and its container. */
    record Wired(ServiceSpec spawned, Optional<String> host, Map<String, Integer> ports,
                 Optional<ContainerLaunch> container) {
    }

    static final ServicePorts NONE = new ServicePorts(Map.of(), List.of(), Optional.empty(), List.of());

    private final Map<String, Wired> services;
    private final List<ContainerBlock> blocks;
    private final Optional<PortAllocator> allocator;
    private final List<String> problems;

    private ServicePorts(Map<String, Wired> services, List<ContainerBlock> blocks, Optional<PortAllocator> allocator,
                         List<String> problems) {
        this.services = services;
        this.blocks = List.copyOf(blocks);
        this.allocator = allocator;
        this.problems = List.copyOf(problems);
    }

    /**
     * Wires {@code spec}: ports of {@code previous} (a resume) are taken back, others allocated; the container blocks
     * are made (network, volumes) and, on a fresh start, a predecessor's containers of the block removed.
     *
     * @param environment the supervisor's environment (engine address, {@code PATH})
     * @param workspace   where relative volume sources are
     * @throws IOException   when a port cannot be allocated or an engine refuses the block's network or volumes
     * @throws SpecException when a workspace directory to mount is missing or leads out of the workspace
     */
    static ServicePorts prepare(SupervisorSpec spec, Path controlDir, Optional<SupervisorState> previous,
                                PortAllocator allocator, Map<String, String> environment, Path workspace) throws IOException {
        List<String> problems = new ArrayList<>();
        boolean any = spec.services().stream().anyMatch(s -> s.containerized() || s.port().isPresent());
        if (!any) {
            return NONE;
        }
        Map<String, ContainerBlock> blocks = blocks(spec, controlDir, workspace, environment);

        Map<String, ServiceStatus> before = new LinkedHashMap<>();
        previous.ifPresent(p -> p.services().forEach(st -> before.put(st.name(), st)));
        Map<String, Map<String, Integer>> ports = new LinkedHashMap<>();
        Map<String, String> hosts = new LinkedHashMap<>();
        Map<String, ContainerLaunch> launches = new LinkedHashMap<>();
        List<Integer> taken = new ArrayList<>();
        try {
            for (ServiceSpec s : spec.services()) {
                Map<String, Integer> own = new LinkedHashMap<>();
                Map<String, Integer> old = Optional.ofNullable(before.get(s.name())).map(ServiceStatus::ports).orElse(Map.of());
                List<String> keys = new ArrayList<>();
                s.port().ifPresent(p -> keys.add(OWN));
                s.container().ifPresent(c -> c.parsedPorts().forEach(p -> keys.add(p.key())));
                for (String key : keys) {
                    int fixed = OWN.equals(key) ? s.port().orElseThrow() : ServiceSpec.AUTO_PORT;
                    int port;
                    if (fixed != ServiceSpec.AUTO_PORT) {
                        port = fixed;
                    } else if (old.containsKey(key)) {
                        port = old.get(key);
                        if (!allocator.reclaim(port)) {
                            problems.add(s.name() + ": port " + port + " of the predecessor is reserved by another build now");
                        }
                        taken.add(port);
                    } else {
                        port = allocator.allocate();
                        taken.add(port);
                    }
                    own.put(key, port);
                }
                ports.put(s.name(), own);
                if (s.containerized()) {
                    ContainerRuntime rt = ContainerLaunch.runtimeOf(s, environment);
                    ContainerLaunch launch = new ContainerLaunch(s, blocks.get(rt.toString()), rt, own);
                    List<String> mounts = launch.mountProblems();
                    if (!mounts.isEmpty()) {
                        throw new SpecException(mounts);
                    }
                    launches.put(s.name(), launch);
                    hosts.put(s.name(), launch.host());
                } else if (!own.isEmpty()) {
                    hosts.put(s.name(), "127.0.0.1");
                }
            }
            for (ContainerBlock b : blocks.values()) {
                if (previous.isEmpty()) {
                    problems.addAll(b.removeContainers());
                }
                b.ensure();
            }
        } catch (IOException | RuntimeException e) {
            taken.forEach(allocator::release);
            throw e;
        }

        Map<String, Wired> wired = new LinkedHashMap<>();
        for (ServiceSpec s : spec.services()) {
            Map<String, Integer> own = ports.get(s.name());
            Optional<String> host = Optional.ofNullable(hosts.get(s.name()));
            Optional<ContainerLaunch> launch = Optional.ofNullable(launches.get(s.name()));
            Map<String, String> env = new LinkedHashMap<>(s.env());
            if (own.containsKey(OWN)) {
                env.put(OWN, Integer.toString(own.get(OWN)));
            }
            for (String dep : s.dependsOn()) {
                ContainerLaunch depLaunch = launches.get(dep);
                if (launch.isPresent() && depLaunch != null && depLaunch.runtime().toString().equals(launch.get().runtime().toString())) {
                    // a container reaches a container of its block over their network, by name, on the container port
                    env.putAll(ServiceEndpoints.of(dep, dep, containerSide(ports.get(dep))));
                } else if (hosts.containsKey(dep)) {
                    env.putAll(ServiceEndpoints.of(dep, hosts.get(dep), ports.get(dep)));
                }
            }
            ServiceSpec.Builder b = rebuild(s, launch.isPresent()
                    ? launch.get().argv(new ArrayList<>(env.keySet())) : s.command());
            env.forEach(b::env);
            s.ready().ifPresent(r -> b.ready(aimed(r, host, own)));
            wired.put(s.name(), new Wired(b.build(), host, own, launch));
        }
        return new ServicePorts(wired, new ArrayList<>(blocks.values()), Optional.of(allocator), problems);
    }

    /**
     * Removes the containers, networks and named volumes of the block on {@code controlDir} without a supervisor (its
     * daemon is gone or hangs): for a stop that must leave nothing. Returns how many containers were removed; never
     * throws, problems as lines into {@code problems}.
     */
    static int removeBlocks(SupervisorSpec spec, Path controlDir, Map<String, String> environment, List<String> problems) {
        int removed = 0;
        for (ContainerBlock block : blocks(spec, controlDir, controlDir, environment).values()) {
            io.jenkins.plugins.selftest.engine.container.Reaper.Result r = new io.jenkins.plugins.selftest.engine.container.Reaper(block.runtime())
                    .reap(Optional.of(block.runId()), 1, java.time.Duration.ofMillis(200));
            removed += r.removed().size();
            problems.addAll(r.problems());
            problems.addAll(block.remove());
        }
        return removed;
    }

    /** The engines of the spec's container services, each with the block of the containers on it (by engine). */
    private static Map<String, ContainerBlock> blocks(SupervisorSpec spec, Path controlDir, Path workspace,
                                                      Map<String, String> environment) {
        Map<String, ContainerRuntime> runtimes = new LinkedHashMap<>();
        Map<String, Set<String>> volumes = new LinkedHashMap<>();
        for (ServiceSpec s : spec.services()) {
            if (s.containerized()) {
                ContainerRuntime rt = ContainerLaunch.runtimeOf(s, environment);
                runtimes.putIfAbsent(rt.toString(), rt);
                Set<String> v = volumes.computeIfAbsent(rt.toString(), k -> new LinkedHashSet<>());
                s.container().orElseThrow().parsedVolumes().stream().filter(ContainerPart.Volume::named)
                        .forEach(vol -> v.add(vol.source()));
            }
        }
        Map<String, ContainerBlock> blocks = new LinkedHashMap<>();
        runtimes.forEach((key, rt) -> blocks.put(key, new ContainerBlock(controlDir, workspace, rt, true, volumes.get(key))));
        return blocks;
    }

    /** The ports as seen from the block's network: each container port itself ({@code PORT}: the same number). */
    private static Map<String, Integer> containerSide(Map<String, Integer> ports) {
        Map<String, Integer> out = new LinkedHashMap<>();
        ports.forEach((key, host) -> out.put(key, OWN.equals(key) ? host : Integer.parseInt(key.split("/")[0])));
        return out;
    }

    /** {@code port: 'auto'} and {@code http: '/path'} aimed at the service's first port on its host. */
    private static Readiness aimed(Readiness r, Optional<String> host, Map<String, Integer> ports) {
        Optional<Integer> first = ports.values().stream().findFirst();
        Optional<Integer> port = r.port();
        Optional<String> probeHost = r.host();
        if (port.filter(p -> p == ServiceSpec.AUTO_PORT).isPresent() && first.isPresent()) {
            port = first;
            probeHost = probeHost.or(() -> host);
        }
        Optional<String> http = r.http();
        if (http.filter(u -> u.startsWith("/")).isPresent() && first.isPresent()) {
            http = Optional.of("http://" + host.orElse("127.0.0.1") + ":" + first.get() + http.get());
        }
        return new Readiness(port, probeHost, http, r.log(), r.command(), r.exec(), r.healthcheck(), r.interval(), r.timeout());
    }

    private static ServiceSpec.Builder rebuild(ServiceSpec s, List<String> command) {
        ServiceSpec.Builder b = ServiceSpec.builder(s.name(), command).restart(s.restart())
                .successExitCodes(s.successExitCodes()).maxRestarts(s.maxRestarts()).restartWindow(s.restartWindow())
                .backoff(s.backoff()).startSeconds(s.startSeconds()).dependsOn(s.dependsOn()).stopSignal(s.stopSignal())
                .stopTimeout(s.stopTimeout()).logMaxBytes(s.logMaxBytes()).logKeep(s.logKeep());
        s.workingDir().ifPresent(b::workingDir);
        s.container().ifPresent(b::container);
        s.port().ifPresent(b::port);
        return b;
    }

    /** The spec as spawned: every service wired. */
    SupervisorSpec spawned(SupervisorSpec spec) {
        if (services.isEmpty()) {
            return spec;
        }
        return new SupervisorSpec(spec.services().stream().map(s -> services.get(s.name()).spawned()).toList(),
                spec.heartbeatInterval(), spec.staleAfter());
    }

    Optional<Wired> of(String service) {
        return Optional.ofNullable(services.get(service));
    }

    Optional<ContainerLaunch> container(String service) {
        return of(service).flatMap(Wired::container);
    }

    /** What went wrong but did not stop the start (a leftover that could not be removed, a port taken back late). */
    List<String> problems() {
        return problems;
    }

    /**
     * The end of the block: removes its networks and named volumes and gives up its ports. Call after every
     * container is stopped. Never throws; problems as lines.
     */
    List<String> release() {
        List<String> out = new ArrayList<>();
        blocks.forEach(b -> out.addAll(b.remove()));
        allocator.ifPresent(a -> services.values().forEach(w -> w.ports().values().forEach(a::release)));
        return out;
    }
}
