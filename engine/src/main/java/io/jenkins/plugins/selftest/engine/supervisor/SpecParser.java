package io.jenkins.plugins.selftest.engine.supervisor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads service specs written by people: YAML or JSON files, or the maps of a Pipeline step. All problems are
 * collected and reported at once, each naming the field and its fix
 * ({@code services[1].restart: 'sometimes' is not one of always, on-failure, never}); an unknown key is an error
 * naming the key and its line. Durations accept {@code 200ms}, {@code 30s}, {@code 5m}, {@code 1h} or a number of
 * seconds; sizes accept {@code 512KB}, {@code 10MB}, {@code 1GB} or a number of bytes.
 *
 * <p>Limits, so that no input can take the supervisor or the build down: a spec file of at most
 * {@value #MAX_FILE_BYTES} bytes (1 MiB, checked before it is read), at most {@value #MAX_SERVICES} services, at most
 * {@value #MAX_ITEMS} entries in any list or {@code env} map, strings of at most {@value #MAX_STRING_CHARS}
 * characters (128 KiB, what Linux passes as one argument or variable), whole numbers within {@code int} and finite
 * decimal numbers. Going over one is a problem naming the field (or the file) and the limit.
 *
 * <p>Stateless and thread-safe.
 */
public final class SpecParser {

    /** Largest spec file read: 1 MiB. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;
    /** Most services in one spec. */
    public static final int MAX_SERVICES = 256;
    /** Most entries of one list (argv, dependsOn, successExitCodes) or of one service's {@code env}. */
    public static final int MAX_ITEMS = 1024;
    /** Longest string value or key: 128 KiB, Linux's limit of one argument or environment string. */
    public static final int MAX_STRING_CHARS = 128 * 1024;

    private static final Set<String> TOP_KEYS = Set.of("services", "heartbeatInterval", "staleAfter");
    private static final Set<String> SERVICE_KEYS = Set.of("name", "command", "workingDir", "env", "restart",
            "successExitCodes", "maxRestarts", "restartWindow", "backoff", "startSeconds", "ready", "dependsOn",
            "stopSignal", "stopTimeout", "logMaxBytes", "logKeep", "image", "ports", "volumes", "runtime", "dockerHost",
            "port");
    /** Keys that only a container service ({@code image}) takes. */
    private static final List<String> CONTAINER_KEYS = List.of("ports", "volumes", "runtime", "dockerHost");
    private static final Set<String> BACKOFF_KEYS = Set.of("initial", "factor", "max", "resetAfter");
    private static final Set<String> READY_KEYS = Set.of("port", "host", "http", "log", "command", "exec", "healthcheck",
            "interval", "timeout");

    private SpecParser() {
    }

    /** Parses a {@code .yaml}/{@code .yml} or {@code .json} file (by content: JSON is valid YAML, both work). */
    public static SupervisorSpec parse(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new SpecException(List.of(file + ": " + size + " bytes is more than the limit of a spec file, "
                    + MAX_FILE_BYTES + " bytes (1 MiB): keep scripts and data in files of their own and name them"));
        }
        String text = Files.readString(file);
        try {
            return parse(text, file.getFileName().toString().endsWith(".json"));
        } catch (SpecException e) {
            List<String> named = e.problems().stream().map(p -> file + ": " + p).toList();
            throw new SpecException(named);
        }
    }

    /** Parses YAML ({@code json == false}) or JSON text. */
    public static SupervisorSpec parse(String text, boolean json) {
        if (text.length() > MAX_FILE_BYTES) {
            throw new SpecException(List.of("the spec has " + text.length() + " characters, more than the limit of "
                    + MAX_FILE_BYTES + " (1 MiB): keep scripts and data in files of their own and name them"));
        }
        SpecNode root;
        JsonFactory factory = json ? new JsonFactory() : YAMLFactory.builder().build();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new SpecException(List.of("the spec is empty: give a 'services' list"));
            }
            root = SpecNode.read(p);
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? " at line " + jpe.getLocation().getLineNr() : "";
            String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new SpecException(List.of("not valid " + (json ? "JSON" : "YAML") + where + ": " + msg));
        }
        return toSpec(root);
    }

    /**
     * Converts the nested maps, lists and scalars of a Pipeline step or of already-parsed configuration (keys as in
     * spec files).
     */
    public static SupervisorSpec fromMap(Map<String, ?> map) {
        return toSpec(SpecNode.of(map));
    }

    /** Parses a single service given as a map (the keys of a {@code services} entry). */
    public static ServiceSpec serviceFromMap(Map<String, ?> map) {
        SupervisorSpec spec = fromMap(Map.of("services", List.of(map)));
        return spec.services().get(0);
    }

    /** Parses {@code 512KB}, {@code 10MB}, {@code 1GiB} or a number of bytes. */
    public static long parseSize(String text) {
        return SpecNode.parseSize(text);
    }

    // ---- conversion -----------------------------------------------------------------------------------------------

    private static SupervisorSpec toSpec(SpecNode root) {
        Problems problems = new Problems();
        SpecNode servicesNode;
        Duration heartbeat = SupervisorSpec.DEFAULT_HEARTBEAT;
        Duration stale = SupervisorSpec.DEFAULT_STALE_AFTER;
        if (root.value() instanceof List) {
            servicesNode = root;
        } else if (root.value() instanceof Map) {
            Map<String, SpecNode> top = root.map();
            problems.unknownKeys(top, TOP_KEYS, "");
            servicesNode = top.get("services");
            heartbeat = problems.get(top, "heartbeatInterval", "heartbeatInterval", SpecNode::duration).orElse(heartbeat);
            stale = problems.get(top, "staleAfter", "staleAfter", SpecNode::duration).orElse(stale);
        } else {
            throw new SpecException(List.of("the spec must be a map with a 'services' list (line " + root.line() + ")"));
        }
        List<ServiceSpec> services = new ArrayList<>();
        if (servicesNode == null) {
            problems.add("services: missing: give a list of services, each with at least name and command");
        } else if (!(servicesNode.value() instanceof List)) {
            problems.add("services" + servicesNode.at() + ": must be a list of services");
        } else {
            List<SpecNode> list = servicesNode.list();
            if (list.size() > MAX_SERVICES) {
                problems.add("services" + servicesNode.at() + ": " + list.size() + " services are more than the limit of "
                        + MAX_SERVICES + ": split them over several supervisors");
                list = List.of();
            }
            for (int i = 0; i < list.size(); i++) {
                service(list.get(i), "services[" + i + "]", problems).ifPresent(services::add);
            }
        }
        problems.throwIfAny();
        SupervisorSpec spec = new SupervisorSpec(services, heartbeat, stale);
        spec.validate();
        return spec;
    }

    private static Optional<ServiceSpec> service(SpecNode node, String path, Problems problems) {
        if (!(node.value() instanceof Map)) {
            problems.add(path + node.at() + ": must be a map with at least name and command");
            return Optional.empty();
        }
        Map<String, SpecNode> m = node.map();
        int before = problems.size();
        problems.unknownKeys(m, SERVICE_KEYS, path + ".");
        Optional<String> name = problems.get(m, "name", path + ".name", SpecNode::string);
        if (name.isEmpty() && !m.containsKey("name")) {
            problems.add(path + ".name: missing: give every service a unique name");
        }
        boolean container = m.containsKey("image");
        Optional<List<String>> command = problems.get(m, "command", path + ".command",
                container ? SpecNode::containerCommand : SpecNode::command);
        if (!m.containsKey("command") && !container) {
            problems.add(path + ".command: missing: give a shell string or an argv list (or an image for a container)");
        }
        ServiceSpec.Builder b = ServiceSpec.builder(name.orElse("?"), command.orElse(container ? List.of() : List.of("?")));
        if (container) {
            Optional<String> image = problems.get(m, "image", path + ".image", SpecNode::string);
            List<String> ports = problems.get(m, "ports", path + ".ports", SpecNode::names).orElse(List.of());
            List<String> volumes = problems.get(m, "volumes", path + ".volumes", SpecNode::names).orElse(List.of());
            Optional<String> runtime = problems.get(m, "runtime", path + ".runtime", SpecNode::string);
            Optional<String> host = problems.get(m, "dockerHost", path + ".dockerHost", SpecNode::string);
            image.ifPresent(i -> b.container(new ContainerPart(i, ports, volumes, runtime, host)));
        } else {
            for (String key : CONTAINER_KEYS) {
                if (m.containsKey(key)) {
                    problems.add(path + "." + key + m.get(key).at() + ": applies to container services only: give an"
                            + " image, or remove " + key);
                }
            }
        }
        problems.get(m, "port", path + ".port", SpecNode::port).ifPresent(b::port);
        problems.get(m, "workingDir", path + ".workingDir", SpecNode::string).ifPresent(b::workingDir);
        problems.get(m, "env", path + ".env", SpecNode::env).ifPresent(env -> env.forEach(b::env));
        problems.get(m, "restart", path + ".restart", n -> RestartPolicy.parse(n.string())).ifPresent(b::restart);
        problems.get(m, "successExitCodes", path + ".successExitCodes", SpecNode::codes).ifPresent(b::successExitCodes);
        problems.get(m, "maxRestarts", path + ".maxRestarts", SpecNode::integer).ifPresent(b::maxRestarts);
        problems.get(m, "restartWindow", path + ".restartWindow", SpecNode::duration).ifPresent(b::restartWindow);
        backoff(m.get("backoff"), path + ".backoff", problems).ifPresent(b::backoff);
        problems.get(m, "startSeconds", path + ".startSeconds", SpecNode::duration).ifPresent(b::startSeconds);
        ready(m.get("ready"), path + ".ready", problems).ifPresent(b::ready);
        problems.get(m, "dependsOn", path + ".dependsOn", SpecNode::names).ifPresent(b::dependsOn);
        problems.get(m, "stopSignal", path + ".stopSignal", n -> Signal.parse(n.string())).ifPresent(b::stopSignal);
        problems.get(m, "stopTimeout", path + ".stopTimeout", SpecNode::duration).ifPresent(b::stopTimeout);
        problems.get(m, "logMaxBytes", path + ".logMaxBytes", SpecNode::size).ifPresent(b::logMaxBytes);
        problems.get(m, "logKeep", path + ".logKeep", SpecNode::integer).ifPresent(b::logKeep);
        return problems.size() == before ? Optional.of(b.build()) : Optional.empty();
    }

    private static Optional<Backoff> backoff(SpecNode node, String path, Problems problems) {
        if (node == null) {
            return Optional.empty();
        }
        if (!(node.value() instanceof Map)) {
            // "backoff: 0" or "backoff: none" restarts at once; "backoff: 2s" is a fixed delay
            String s = String.valueOf(node.value());
            if (s.equalsIgnoreCase("none") || s.equals("0")) {
                return Optional.of(Backoff.NONE);
            }
            try {
                Duration d = node.duration();
                return Optional.of(new Backoff(d, 1.0, d, Backoff.DEFAULT.resetAfter()));
            } catch (IllegalArgumentException e) {
                problems.add(path + node.at() + ": " + e.getMessage() + ", or a map with initial, factor, max, resetAfter");
                return Optional.empty();
            }
        }
        Map<String, SpecNode> m = node.map();
        int before = problems.size();
        problems.unknownKeys(m, BACKOFF_KEYS, path + ".");
        Backoff d = Backoff.DEFAULT;
        Duration initial = problems.get(m, "initial", path + ".initial", SpecNode::duration).orElse(d.initial());
        double factor = problems.get(m, "factor", path + ".factor", SpecNode::number).orElse(d.factor());
        Duration max = problems.get(m, "max", path + ".max", SpecNode::duration).orElse(d.max());
        Duration reset = problems.get(m, "resetAfter", path + ".resetAfter", SpecNode::duration).orElse(d.resetAfter());
        if (factor < 1) {
            problems.add(path + ".factor: " + factor + " must be at least 1 (1 keeps the delay fixed)");
        }
        if (problems.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new Backoff(initial, factor, max, reset));
    }

    private static Optional<Readiness> ready(SpecNode node, String path, Problems problems) {
        if (node == null) {
            return Optional.empty();
        }
        if (!(node.value() instanceof Map)) {
            problems.add(path + node.at() + ": must be a map with one or more of port, http, log, command, exec, healthcheck"
                    + " (and interval, timeout)");
            return Optional.empty();
        }
        Map<String, SpecNode> m = node.map();
        int before = problems.size();
        problems.unknownKeys(m, READY_KEYS, path + ".");
        Optional<Integer> port = problems.get(m, "port", path + ".port", SpecNode::port);
        Optional<String> host = problems.get(m, "host", path + ".host", SpecNode::string);
        Optional<String> http = problems.get(m, "http", path + ".http", SpecNode::string);
        Optional<String> log = problems.get(m, "log", path + ".log", SpecNode::string);
        Optional<List<String>> command = problems.get(m, "command", path + ".command", SpecNode::command);
        Optional<List<String>> exec = problems.get(m, "exec", path + ".exec", SpecNode::command);
        boolean healthcheck = problems.get(m, "healthcheck", path + ".healthcheck", SpecNode::bool).orElse(false);
        Duration interval = problems.get(m, "interval", path + ".interval", SpecNode::duration).orElse(Readiness.DEFAULT_INTERVAL);
        Duration timeout = problems.get(m, "timeout", path + ".timeout", SpecNode::duration).orElse(Readiness.DEFAULT_TIMEOUT);
        if (problems.size() != before) {
            return Optional.empty();
        }
        Readiness r = new Readiness(port, host, http, log, command, exec, healthcheck, interval, timeout);
        r.problems(path).forEach(problems::add);
        return problems.size() == before ? Optional.of(r) : Optional.empty();
    }

    /** Collected problems. */
    private static final class Problems {
        private final List<String> list = new ArrayList<>();

        void add(String problem) {
            list.add(problem);
        }

        int size() {
            return list.size();
        }

        void unknownKeys(Map<String, SpecNode> map, Set<String> known, String prefix) {
            map.forEach((k, v) -> {
                if (!known.contains(k)) {
                    add(prefix + k + v.at() + ": unknown key: use one of " + String.join(", ", known.stream().sorted().toList()));
                }
            });
        }

        <T> Optional<T> get(Map<String, SpecNode> map, String key, String path, Function<SpecNode, T> reader) {
            SpecNode n = map.get(key);
            if (n == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(reader.apply(n));
            } catch (IllegalArgumentException e) {
                add(path + n.at() + ": " + e.getMessage());
                return Optional.empty();
            }
        }

        void throwIfAny() {
            if (!list.isEmpty()) {
                throw new SpecException(list);
            }
        }
    }
}
