package io.jenkins.plugins.selftest.engine.supervisor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jenkins.plugins.selftest.engine.process.ShellWords;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value of a spec as people write it (a YAML or JSON file, or the maps of a Pipeline step) with the line it starts
 * on (0 when it did not come from a file), and the readers that turn it into the values of a spec. Each reader throws
 * {@link IllegalArgumentException} with a message that says what is wrong and how to fix it; {@link SpecParser}
 * names the field in front of it.
 *
 * <p>Immutable once read.
 *
 * @param value a {@code Map<String, SpecNode>}, a {@code List<SpecNode>}, a {@code Number}, a {@code Boolean}, a
 *              {@code String} or {@code null}
 * @param line  the line it starts on in its file, 0 when it did not come from one
 */
record SpecNode(Object value, int line) {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);

    /** The entries of a map value. */
    @SuppressWarnings("unchecked")
    Map<String, SpecNode> map() {
        return (Map<String, SpecNode>) value;
    }

    /** The items of a list value. */
    @SuppressWarnings("unchecked")
    List<SpecNode> list() {
        return (List<SpecNode>) value;
    }

    /** {@code " (line N)"} for messages, empty when the value did not come from a file. */
    String at() {
        return line > 0 ? " (line " + line + ")" : "";
    }

    /** The tree of nested maps, lists and scalars of a Pipeline step (a {@code Duration} reads as its spelling). */
    static SpecNode of(Object raw) {
        if (raw instanceof Map<?, ?> m) {
            Map<String, SpecNode> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
            return new SpecNode(out, 0);
        }
        if (raw instanceof Iterable<?> it) {
            List<SpecNode> out = new ArrayList<>();
            it.forEach(v -> out.add(of(v)));
            return new SpecNode(out, 0);
        }
        if (raw instanceof Object[] arr) {
            return of(List.of(arr));
        }
        if (raw instanceof Duration d) {
            return new SpecNode(Durations.format(d), 0);
        }
        return new SpecNode(raw, 0);
    }

    /**
     * The tree of the value at the parser's current token, each map value with the line of its key.
     *
     * @throws SpecException when a map has a key twice
     */
    static SpecNode read(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, SpecNode> map = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    SpecNode value = read(p);
                    if (map.containsKey(key)) {
                        throw new SpecException(List.of("key '" + key + "' appears twice (lines " + keyLines.get(key)
                                + " and " + keyLine + "): keep one"));
                    }
                    map.put(key, new SpecNode(value.value, keyLine));
                    keyLines.put(key, keyLine);
                }
                return new SpecNode(map, line);
            }
            case START_ARRAY -> {
                List<SpecNode> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return new SpecNode(list, line);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new SpecNode(p.getNumberValue(), line);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new SpecNode(p.getBooleanValue(), line);
            }
            case VALUE_NULL -> {
                return new SpecNode(null, line);
            }
            default -> {
                return new SpecNode(p.getText(), line);
            }
        }
    }

    // ---- readers ------------------------------------------------------------------------------------------------

    String string() {
        if (value instanceof Map || value instanceof List || value == null) {
            throw new IllegalArgumentException("must be a single value");
        }
        return limited(String.valueOf(value));
    }

    private static String limited(String s) {
        if (s.length() > SpecParser.MAX_STRING_CHARS) {
            throw new IllegalArgumentException(s.length() + " characters are more than the limit of "
                    + SpecParser.MAX_STRING_CHARS + " (128 KiB): keep long scripts and data in files and name them");
        }
        return s;
    }

    /** The items of a list value, at most {@link SpecParser#MAX_ITEMS}. */
    private List<SpecNode> items() {
        if (list().size() > SpecParser.MAX_ITEMS) {
            throw new IllegalArgumentException(list().size() + " entries are more than the limit of " + SpecParser.MAX_ITEMS);
        }
        return list();
    }

    /** A whole number within {@code int}; never wraps ({@code 4294967295} is out of range, not -1). */
    int integer() {
        if (value instanceof Number num) {
            double d = num.doubleValue();
            boolean decimal = num instanceof Double || num instanceof Float || num instanceof java.math.BigDecimal;
            if (decimal && !(Double.isFinite(d) && d == Math.rint(d))) {
                throw new IllegalArgumentException("'" + value + "' is not a whole number");
            }
            if (d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
                throw outOfRange();
            }
            return num.intValue();
        }
        String s = string().trim();
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw s.matches("[-+]?\\d+") ? outOfRange() : new IllegalArgumentException("'" + value + "' is not a whole number");
        }
    }

    private IllegalArgumentException outOfRange() {
        return new IllegalArgumentException("'" + value + "' is out of range: use a whole number from "
                + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
    }

    /** A finite number ({@code NaN} and {@code Infinity} are refused). */
    double number() {
        double d;
        if (value instanceof Number num) {
            d = num.doubleValue();
        } else {
            try {
                d = Double.parseDouble(string().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + value + "' is not a number");
            }
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("'" + value + "' is not a finite number: give a decimal number such as 2 or 1.5");
        }
        return d;
    }

    Duration duration() {
        if (value instanceof Number num) {
            return Durations.ofSeconds(num.doubleValue());
        }
        return Durations.parse(string());
    }

    /** An argv list, or a shell string run by {@code /bin/sh -c}. */
    List<String> command() {
        if (value instanceof List) {
            List<String> argv = new ArrayList<>();
            for (SpecNode item : items()) {
                argv.add(item.string());
            }
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("must not be an empty list");
            }
            return argv;
        }
        String s = string();
        if (s.isBlank()) {
            throw new IllegalArgumentException("must not be empty: give a shell string or an argv list");
        }
        return List.of("/bin/sh", "-c", s);
    }

    /** {@code true} or {@code false} (also as a string). */
    boolean bool() {
        if (value instanceof Boolean b) {
            return b;
        }
        String s = string().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("'" + value + "' is not true or false");
    }

    /** A port: {@code auto} ({@link ServiceSpec#AUTO_PORT}) or a number. */
    int port() {
        if (value instanceof String str && str.trim().equalsIgnoreCase("auto")) {
            return ServiceSpec.AUTO_PORT;
        }
        int p;
        try {
            p = integer();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not a port: use 'auto' or 1 to 65535");
        }
        if (p == ServiceSpec.AUTO_PORT) {
            throw new IllegalArgumentException("0 is not a TCP port: use 'auto' or 1 to 65535");
        }
        return p; // the range is checked with the rest of the spec (ServiceSpec, Readiness)
    }

    /** A container's argv: a list, or a string split as {@code /bin/sh} would ({@link ShellWords#split}). */
    List<String> containerCommand() {
        if (value instanceof List) {
            return command();
        }
        List<String> words = ShellWords.split(string());
        if (words.isEmpty()) {
            throw new IllegalArgumentException("must not be empty: give the container's argv, or leave command out for the image's own");
        }
        return words;
    }

    /** A list of names, or one string of names separated by commas. */
    List<String> names() {
        if (value instanceof List) {
            List<String> out = new ArrayList<>();
            for (SpecNode item : items()) {
                out.add(item.string());
            }
            return out;
        }
        return List.of(string().split("\\s*,\\s*"));
    }

    /** Exit codes: a list, or one string of codes separated by commas or spaces. */
    Set<Integer> codes() {
        Set<Integer> out = new LinkedHashSet<>();
        if (value instanceof List) {
            for (SpecNode item : items()) {
                out.add(item.integer());
            }
        } else {
            for (String s : string().split("[\\s,]+")) {
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

    /** A map of variables; a null value is the empty string. */
    Map<String, String> env() {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("must be a map of NAME: value");
        }
        if (map().size() > SpecParser.MAX_ITEMS) {
            throw new IllegalArgumentException(map().size() + " variables are more than the limit of " + SpecParser.MAX_ITEMS);
        }
        Map<String, String> out = new LinkedHashMap<>();
        map().forEach((k, v) -> out.put(limited(k), v.value == null ? "" : v.string()));
        return out;
    }

    /** This value as a size: see {@link #parseSize}. */
    long size() {
        return parseSize(string());
    }

    /** Parses {@code 512KB}, {@code 10MB}, {@code 1GiB} or a number of bytes. */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use e.g. 512KB, 10MB, 1GB or a number of bytes");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long scale = switch (unit.charAt(0)) {
            case 'k' -> 1024;
            case 'm' -> 1024 * 1024;
            case 'g' -> 1024 * 1024 * 1024;
            default -> 1;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), scale);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size: use e.g. 10MB or 1GB");
        }
    }
}
