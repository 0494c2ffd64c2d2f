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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads service specs written by people: YAML or JSON files, or the maps of a Pipeline step. All problems are
 * collected and reported at once, each naming the field and its fix
 * ({@code services[1].restart: 'sometimes' is not one of always, on-failure, never}); an unknown key is an error
 * naming the key and its line. Durations accept {@code 200ms}, {@code 30s}, {@code 5m}, {@code 1h} or a number of
 * seconds; sizes accept {@code 512KB}, {@code 10MB}, {@code 1GB} or a number of bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class SpecParser {

    private static final Set<String> TOP_KEYS = Set.of("services", "heartbeatInterval", "staleAfter");
    private static final Set<String> SERVICE_KEYS = Set.of("name", "command", "workingDir", "env", "restart",
            "successExitCodes", "maxRestarts", "restartWindow", "backoff", "startSeconds", "ready", "dependsOn",
            "stopSignal", "stopTimeout", "logMaxBytes", "logKeep");
    private static final Set<String> BACKOFF_KEYS = Set.of("initial", "factor", "max", "resetAfter");
    private static final Set<String> READY_KEYS = Set.of("port", "host", "http", "log", "command", "interval", "timeout");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);

    private SpecParser() {
    }

    /** Parses a {@code .yaml}/{@code .yml} or {@code .json} file (by content: JSON is valid YAML, both work). */
    public static SupervisorSpec parse(Path file) throws IOException {
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
        Node root;
        JsonFactory factory = json ? new JsonFactory() : YAMLFactory.builder().build();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new SpecException(List.of("the spec is empty: give a 'services' list"));
            }
            root = read(p);
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
        return toSpec(Node.of(map));
    }

    /** Parses a single service given as a map (the keys of a {@code services} entry). */
    public static ServiceSpec serviceFromMap(Map<String, ?> map) {
        SupervisorSpec spec = fromMap(Map.of("services", List.of(map)));
        return spec.services().get(0);
    }

    /** Parses {@code 512KB}, {@code 10MB}, {@code 1GiB} or a number of bytes. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use e.g. 512KB, 10MB, 1GB or a number of bytes");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit.charAt(0)) {
            case 'k' -> n * 1024;
            case 'm' -> n * 1024 * 1024;
            case 'g' -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    // ---- conversion -----------------------------------------------------------------------------------------------

    private static SupervisorSpec toSpec(Node root) {
        Problems problems = new Problems();
        Node servicesNode;
        Duration heartbeat = SupervisorSpec.DEFAULT_HEARTBEAT;
        Duration stale = SupervisorSpec.DEFAULT_STALE_AFTER;
        if (root.value instanceof List) {
            servicesNode = root;
        } else if (root.value instanceof Map) {
            Map<String, Node> top = root.map();
            problems.unknownKeys(top, TOP_KEYS, "");
            servicesNode = top.get("services");
            heartbeat = problems.get(top, "heartbeatInterval", "heartbeatInterval", SpecParser::duration).orElse(heartbeat);
            stale = problems.get(top, "staleAfter", "staleAfter", SpecParser::duration).orElse(stale);
        } else {
            throw new SpecException(List.of("the spec must be a map with a 'services' list (line " + root.line + ")"));
        }
        List<ServiceSpec> services = new ArrayList<>();
        if (servicesNode == null) {
            problems.add("services: missing: give a list of services, each with at least name and command");
        } else if (!(servicesNode.value instanceof List)) {
            problems.add("services" + servicesNode.at() + ": must be a list of services");
        } else {
            List<Node> list = servicesNode.list();
            for (int i = 0; i < list.size(); i++) {
                service(list.get(i), "services[" + i + "]", problems).ifPresent(services::add);
            }
        }
        problems.throwIfAny();
        SupervisorSpec spec = new SupervisorSpec(services, heartbeat, stale);
        spec.validate();
        return spec;
    }

    private static Optional<ServiceSpec> service(Node node, String path, Problems problems) {
        if (!(node.value instanceof Map)) {
            problems.add(path + node.at() + ": must be a map with at least name and command");
            return Optional.empty();
        }
        Map<String, Node> m = node.map();
        int before = problems.size();
        problems.unknownKeys(m, SERVICE_KEYS, path + ".");
        Optional<String> name = problems.get(m, "name", path + ".name", SpecParser::string);
        if (name.isEmpty() && !m.containsKey("name")) {
            problems.add(path + ".name: missing: give every service a unique name");
        }
        Optional<List<String>> command = problems.get(m, "command", path + ".command", SpecParser::command);
        if (!m.containsKey("command")) {
            problems.add(path + ".command: missing: give a shell string or an argv list");
        }
        ServiceSpec.Builder b = ServiceSpec.builder(name.orElse("?"), command.orElse(List.of("?")));
        problems.get(m, "workingDir", path + ".workingDir", SpecParser::string).ifPresent(b::workingDir);
        problems.get(m, "env", path + ".env", SpecParser::env).ifPresent(env -> env.forEach(b::env));
        problems.get(m, "restart", path + ".restart", n -> RestartPolicy.parse(string(n))).ifPresent(b::restart);
        problems.get(m, "successExitCodes", path + ".successExitCodes", SpecParser::codes).ifPresent(b::successExitCodes);
        problems.get(m, "maxRestarts", path + ".maxRestarts", SpecParser::integer).ifPresent(b::maxRestarts);
        problems.get(m, "restartWindow", path + ".restartWindow", SpecParser::duration).ifPresent(b::restartWindow);
        backoff(m.get("backoff"), path + ".backoff", problems).ifPresent(b::backoff);
        problems.get(m, "startSeconds", path + ".startSeconds", SpecParser::duration).ifPresent(b::startSeconds);
        ready(m.get("ready"), path + ".ready", problems).ifPresent(b::ready);
        problems.get(m, "dependsOn", path + ".dependsOn", SpecParser::names).ifPresent(b::dependsOn);
        problems.get(m, "stopSignal", path + ".stopSignal", n -> Signal.parse(string(n))).ifPresent(b::stopSignal);
        problems.get(m, "stopTimeout", path + ".stopTimeout", SpecParser::duration).ifPresent(b::stopTimeout);
        problems.get(m, "logMaxBytes", path + ".logMaxBytes", n -> parseSize(string(n))).ifPresent(b::logMaxBytes);
        problems.get(m, "logKeep", path + ".logKeep", SpecParser::integer).ifPresent(b::logKeep);
        return problems.size() == before ? Optional.of(b.build()) : Optional.empty();
    }

    private static Optional<Backoff> backoff(Node node, String path, Problems problems) {
        if (node == null) {
            return Optional.empty();
        }
        if (!(node.value instanceof Map)) {
            // "backoff: 0" or "backoff: none" restarts at once; "backoff: 2s" is a fixed delay
            String s = String.valueOf(node.value);
            if (s.equalsIgnoreCase("none") || s.equals("0")) {
                return Optional.of(Backoff.NONE);
            }
            try {
                Duration d = duration(node);
                return Optional.of(new Backoff(d, 1.0, d, Backoff.DEFAULT.resetAfter()));
            } catch (IllegalArgumentException e) {
                problems.add(path + node.at() + ": " + e.getMessage() + ", or a map with initial, factor, max, resetAfter");
                return Optional.empty();
            }
        }
        Map<String, Node> m = node.map();
        int before = problems.size();
        problems.unknownKeys(m, BACKOFF_KEYS, path + ".");
        Backoff d = Backoff.DEFAULT;
        Duration initial = problems.get(m, "initial", path + ".initial", SpecParser::duration).orElse(d.initial());
        double factor = problems.get(m, "factor", path + ".factor", SpecParser::number).orElse(d.factor());
        Duration max = problems.get(m, "max", path + ".max", SpecParser::duration).orElse(d.max());
        Duration reset = problems.get(m, "resetAfter", path + ".resetAfter", SpecParser::duration).orElse(d.resetAfter());
        if (factor < 1) {
            problems.add(path + ".factor: " + factor + " must be at least 1 (1 keeps the delay fixed)");
        }
        if (problems.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new Backoff(initial, factor, max, reset));
    }

    private static Optional<Readiness> ready(Node node, String path, Problems problems) {
        if (node == null) {
            return Optional.empty();
        }
        if (!(node.value instanceof Map)) {
            problems.add(path + node.at() + ": must be a map with one or more of port, http, log, command (and interval, timeout)");
            return Optional.empty();
        }
        Map<String, Node> m = node.map();
        int before = problems.size();
        problems.unknownKeys(m, READY_KEYS, path + ".");
        Optional<Integer> port = problems.get(m, "port", path + ".port", SpecParser::integer);
        Optional<String> host = problems.get(m, "host", path + ".host", SpecParser::string);
        Optional<String> http = problems.get(m, "http", path + ".http", SpecParser::string);
        Optional<String> log = problems.get(m, "log", path + ".log", SpecParser::string);
        Optional<List<String>> command = problems.get(m, "command", path + ".command", SpecParser::command);
        Duration interval = problems.get(m, "interval", path + ".interval", SpecParser::duration).orElse(Readiness.DEFAULT_INTERVAL);
        Duration timeout = problems.get(m, "timeout", path + ".timeout", SpecParser::duration).orElse(Readiness.DEFAULT_TIMEOUT);
        if (problems.size() != before) {
            return Optional.empty();
        }
        Readiness r = new Readiness(port, host, http, log, command, interval, timeout);
        r.problems(path).forEach(problems::add);
        return problems.size() == before ? Optional.of(r) : Optional.empty();
    }

    // ---- scalar readers: each throws IllegalArgumentException with the fix ---------------------------------------

    private static String string(Node n) {
        if (n.value instanceof Map || n.value instanceof List || n.value == null) {
            throw new IllegalArgumentException("must be a single value");
        }
        return String.valueOf(n.value);
    }

    private static int integer(Node n) {
        if (n.value instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            return num.intValue();
        }
        try {
            return Integer.parseInt(string(n).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + n.value + "' is not a whole number");
        }
    }

    private static double number(Node n) {
        if (n.value instanceof Number num) {
            return num.doubleValue();
        }
        try {
            return Double.parseDouble(string(n).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + n.value + "' is not a number");
        }
    }

    private static Duration duration(Node n) {
        if (n.value instanceof Number num) {
            return Durations.ofSeconds(num.doubleValue());
        }
        return Durations.parse(string(n));
    }

    private static List<String> command(Node n) {
        if (n.value instanceof List) {
            List<String> argv = new ArrayList<>();
            for (Node item : n.list()) {
                argv.add(string(item));
            }
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("must not be an empty list");
            }
            return argv;
        }
        String s = string(n);
        if (s.isBlank()) {
            throw new IllegalArgumentException("must not be empty: give a shell string or an argv list");
        }
        return List.of("/bin/sh", "-c", s);
    }

    private static List<String> names(Node n) {
        if (n.value instanceof List) {
            List<String> out = new ArrayList<>();
            for (Node item : n.list()) {
                out.add(string(item));
            }
            return out;
        }
        return List.of(string(n).split("\\s*,\\s*"));
    }

    private static Set<Integer> codes(Node n) {
        Set<Integer> out = new LinkedHashSet<>();
        if (n.value instanceof List) {
            for (Node item : n.list()) {
                out.add(integer(item));
            }
        } else {
            for (String s : string(n).split("[\\s,]+")) {
                try {
                    out.add(Integer.parseInt(s));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + s + "' is not an exit code: give a list of whole numbers");
                }
            }
        }
        for (int code : out) {
            if (code < 0 || code > 255) {
                throw new IllegalArgumentException(code + " is not an exit code: use 0 to 255");
            }
        }
        return out;
    }

    private static Map<String, String> env(Node n) {
        if (!(n.value instanceof Map)) {
            throw new IllegalArgumentException("must be a map of NAME: value");
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.map().forEach((k, v) -> out.put(k, v.value == null ? "" : string(v)));
        return out;
    }

    // ---- the located tree --------------------------------------------------------------------------------------

    private static Node read(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> map = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    Node value = read(p);
                    if (map.containsKey(key)) {
                        throw new SpecException(List.of("key '" + key + "' appears twice (lines " + keyLines.get(key)
                                + " and " + keyLine + "): keep one"));
                    }
                    map.put(key, new Node(value.value, keyLine));
                    keyLines.put(key, keyLine);
                }
                return new Node(map, line);
            }
            case START_ARRAY -> {
                List<Node> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return new Node(list, line);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Node(p.getNumberValue(), line);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Node(p.getBooleanValue(), line);
            }
            case VALUE_NULL -> {
                return new Node(null, line);
            }
            default -> {
                return new Node(p.getText(), line);
            }
        }
    }

    /** A value of the spec tree with the line it starts on (0 when it did not come from a file). */
    private record Node(Object value, int line) {

        @SuppressWarnings("unchecked")
        Map<String, Node> map() {
            return (Map<String, Node>) value;
        }

        @SuppressWarnings("unchecked")
        List<Node> list() {
            return (List<Node>) value;
        }

        String at() {
            return line > 0 ? " (line " + line + ")" : "";
        }

        static Node of(Object raw) {
            if (raw instanceof Map<?, ?> m) {
                Map<String, Node> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
                return new Node(out, 0);
            }
            if (raw instanceof Iterable<?> it) {
                List<Node> out = new ArrayList<>();
                it.forEach(v -> out.add(of(v)));
                return new Node(out, 0);
            }
            if (raw instanceof Object[] arr) {
                return of(List.of(arr));
            }
            if (raw instanceof Duration d) {
                return new Node(Durations.format(d), 0);
            }
            return new Node(raw, 0);
        }
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

        void unknownKeys(Map<String, Node> map, Set<String> known, String prefix) {
            map.forEach((k, v) -> {
                if (!known.contains(k)) {
                    add(prefix + k + v.at() + ": unknown key: use one of " + String.join(", ", known.stream().sorted().toList()));
                }
            });
        }

        <T> Optional<T> get(Map<String, Node> map, String key, String path, Function<Node, T> reader) {
            Node n = map.get(key);
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
