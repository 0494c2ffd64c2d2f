package io.jenkins.plugins.selftest.engine.json;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * How {@link Json} writes and reads the engine's values, on jackson-core alone: each record an object of its
 * components in declaration order, through its accessors and canonical constructor; an enum by the method it marks
 * {@link JsonValue} (and read back by its {@link JsonCreator} factory), else by name; an {@code Instant} or a
 * {@code Duration} as an ISO-8601 string; a {@code Path} as its {@code file:} URI; bytes in base64; an
 * {@code Optional} as its value or {@code null}. Those are the bytes Jackson's data binding wrote for such values,
 * with the modules {@link Json} gave it.
 *
 * <p>Reading skips unknown members, and reads a member that is missing as {@code null}, {@code Optional.empty()},
 * zero or {@code false}, as the binding did. Thread-safe.
 */
final class RecordJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

    /** For {@link #replace}: no record has been written before, every one is written. */
    static final Function<Record, Json.Fragment> NONE_WRITTEN = r -> null;

    private RecordJson() {
    }

    /** {@code value} as compact JSON. */
    static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value, NONE_WRITTEN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** {@code json} as a {@code type}: {@link IllegalArgumentException} naming the type when it is not one. */
    static <T> T read(String json, Class<T> type) {
        try (JsonParser p = FACTORY.createParser(json)) {
            return type.cast(readWhole(p, type));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not valid JSON for " + type.getSimpleName() + ": " + reason(e), e);
        }
    }

    /** The file as a {@code type}: {@link IOException} naming the file and the type when it is not one. */
    static <T> T read(Path file, Class<T> type) throws IOException {
        return type.cast(readFile(file, type, " for " + type.getSimpleName()));
    }

    /** {@link Json#readPlain}. */
    static Object readPlain(Path file) throws IOException {
        return readFile(file, Object.class, "");
    }

    /** The file's one value as {@code type}; an {@link IOException} naming the file, and {@code what} it was read as. */
    private static Object readFile(Path file, Type type, String what) throws IOException {
        try (JsonParser p = FACTORY.createParser(Files.newInputStream(file))) {
            return readWhole(p, type);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not valid JSON" + what + ": " + reason(e), e);
        }
    }

    /** {@link Json#writeAtomically}: indented, forced to disk, moved over the target. */
    static void writeAtomically(Path file, Object value) throws IOException {
        Json.writeFile(file, true, out -> write(out, value, true, NONE_WRITTEN));
    }

    /** {@link Json#replace(Path, Object, Function)}: compact, not forced to disk, moved over the target. */
    static void replace(Path file, Object value, Function<Record, Json.Fragment> written) throws IOException {
        Json.writeFile(file, false, out -> write(out, value, false, written));
    }

    /** {@link Json#fragment}. */
    static Json.Fragment fragment(Record value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, value, false, NONE_WRITTEN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Json.Fragment(out.toByteArray());
    }

    private static void write(OutputStream out, Object value, boolean pretty, Function<Record, Json.Fragment> written)
            throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            write(g, value, written);
        }
    }

    /** One line: the parser's message without its location block, or the exception's. */
    private static String reason(Exception e) {
        if (e instanceof JsonProcessingException j) {
            return j.getOriginalMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // ---- writing -----------------------------------------------------------------------------------------------------

    private static void write(JsonGenerator g, Object v, Function<Record, Json.Fragment> written) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).intValue());
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof Enum<?> e) {
            g.writeString(enumShape(e.getDeclaringClass()).label(e));
        } else if (v instanceof Instant t && g instanceof UTF8JsonGenerator) {
            byte[] iso = IsoInstant.ascii(t); // copied, not encoded: nothing in it is escaped
            g.writeRawUTF8String(iso, 0, iso.length);
        } else if (v instanceof Instant t) {
            g.writeString(IsoInstant.format(t)); // a generator of characters (write): it has no bytes to copy
        } else if (v instanceof Duration) {
            g.writeString(v.toString());
        } else if (v instanceof byte[] bytes) {
            g.writeBinary(bytes); // base64, as the binding writes bytes
        } else if (v instanceof Path path) {
            g.writeString(path.toUri().toString()); // as Jackson's binding writes a path
        } else if (v instanceof Optional<?> o) {
            write(g, o.orElse(null), written);
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object item : c) {
                write(g, item, written);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(e.getKey() instanceof Enum<?> k ? k.name() : String.valueOf(e.getKey()));
                write(g, e.getValue(), written);
            }
            g.writeEndObject();
        } else if (v instanceof Record r) {
            Json.Fragment json = written.apply(r);
            if (json != null) {
                g.writeRawValue(json.json);
                return;
            }
            Shape shape = shape(r.getClass());
            g.writeStartObject();
            for (int i = 0; i < shape.names.length; i++) {
                g.writeFieldName(shape.fieldNames[i]);
                write(g, invoke(shape.accessors[i], r), written);
            }
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("not a value of the engine's JSON: " + v.getClass().getName());
        }
    }

    private static Object invoke(Method accessor, Record r) {
        try {
            return accessor.invoke(r);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + accessor + ": " + e.getCause(), e.getCause());
        }
    }

    // ---- reading -----------------------------------------------------------------------------------------------------

    private static Object readWhole(JsonParser p, Type type) throws IOException {
        if (p.nextToken() == null) {
            throw new IllegalArgumentException("no content");
        }
        Object value = read(p, type);
        if (p.nextToken() != null) {
            throw new IllegalArgumentException("more content after the value, at " + p.currentLocation().offsetDescription());
        }
        return value;
    }

    /** The value at the parser's current token, as {@code type}; the parser is left on the value's last token. */
    private static Object read(JsonParser p, Type type) throws IOException {
        Class<?> raw = raw(type);
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return absent(raw);
        }
        if (raw == Optional.class) {
            return Optional.ofNullable(read(p, argument(type, 0)));
        }
        if (raw == String.class) {
            return scalar(p, raw).getValueAsString();
        }
        if (raw == int.class || raw == Integer.class) {
            return number(p, raw).getIntValue();
        }
        if (raw == long.class || raw == Long.class) {
            return number(p, raw).getLongValue();
        }
        if (raw == double.class || raw == Double.class) {
            return number(p, raw).getDoubleValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                throw mismatch(p, raw);
            }
            return t == JsonToken.VALUE_TRUE;
        }
        if (raw.isEnum()) {
            return enumShape(raw).parse(scalar(p, raw).getText());
        }
        if (raw == Instant.class) {
            return t == JsonToken.VALUE_STRING ? Instant.parse(p.getText())
                    : seconds(number(p, raw).getDecimalValue(), (s, n) -> Instant.ofEpochSecond(s, n));
        }
        if (raw == Duration.class) {
            return t == JsonToken.VALUE_STRING ? Duration.parse(p.getText())
                    : seconds(number(p, raw).getDecimalValue(), (s, n) -> Duration.ofSeconds(s, n));
        }
        if (raw == byte[].class) {
            if (t != JsonToken.VALUE_STRING) {
                throw mismatch(p, raw);
            }
            return p.getBinaryValue();
        }
        if (raw == Path.class) {
            String text = scalar(p, raw).getText();
            return text.startsWith("file:") ? Path.of(java.net.URI.create(text)) : Path.of(text);
        }
        if (raw == List.class || raw == Collection.class || raw == Set.class) {
            if (t != JsonToken.START_ARRAY) {
                throw mismatch(p, raw);
            }
            Collection<Object> out = raw == Set.class ? new LinkedHashSet<>() : new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                out.add(read(p, argument(type, 0)));
            }
            return out;
        }
        if (raw == Map.class) {
            if (t != JsonToken.START_OBJECT) {
                throw mismatch(p, raw);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                out.put(key, read(p, argument(type, 1)));
            }
            return out;
        }
        if (raw == Object.class) {
            return natural(p);
        }
        if (raw.isRecord()) {
            return readRecord(p, shape(raw));
        }
        throw new IllegalArgumentException("not a type of the engine's JSON: " + type.getTypeName());
    }

    private static Object readRecord(JsonParser p, Shape shape) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw mismatch(p, shape.constructor.getDeclaringClass());
        }
        Object[] args = new Object[shape.names.length];
        boolean[] seen = new boolean[args.length];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            Integer i = shape.index.get(p.currentName());
            p.nextToken();
            if (i == null) {
                p.skipChildren();
            } else {
                args[i] = read(p, shape.types[i]);
                seen[i] = true;
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (!seen[i]) {
                args[i] = absent(raw(shape.types[i]));
            }
        }
        try {
            return shape.constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException(shape.constructor.getDeclaringClass().getSimpleName() + ": "
                    + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object natural(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> read(p, Map.class);
            case START_ARRAY -> read(p, List.class);
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    private interface SecondsAndNanos {
        Object of(long seconds, long nanos);
    }

    private static Object seconds(BigDecimal seconds, SecondsAndNanos to) {
        BigDecimal whole = new BigDecimal(seconds.toBigInteger());
        return to.of(whole.longValueExact(), seconds.subtract(whole).movePointRight(9).longValue());
    }

    private static JsonParser scalar(JsonParser p, Class<?> raw) {
        if (!p.currentToken().isScalarValue()) {
            throw mismatch(p, raw);
        }
        return p;
    }

    private static JsonParser number(JsonParser p, Class<?> raw) throws IOException {
        if (!p.currentToken().isNumeric()) {
            throw mismatch(p, raw);
        }
        return p;
    }

    private static IllegalArgumentException mismatch(JsonParser p, Class<?> raw) {
        return new IllegalArgumentException("expected " + raw.getSimpleName() + ", found " + p.currentToken()
                + " at " + p.currentLocation().offsetDescription());
    }

    /** A {@code null} or missing value of type {@code raw}: empty, zero, {@code false} or {@code null}. */
    private static Object absent(Class<?> raw) {
        if (raw == Optional.class) {
            return Optional.empty();
        }
        if (raw == boolean.class) {
            return false;
        }
        if (raw == long.class) {
            return 0L;
        }
        if (raw == double.class) {
            return 0.0;
        }
        return raw.isPrimitive() ? 0 : null;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType pt) {
            return (Class<?>) pt.getRawType();
        }
        throw new IllegalArgumentException("not a type of the engine's JSON: " + type.getTypeName());
    }

    private static Type argument(Type type, int i) {
        return type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[i] : Object.class;
    }

    // ---- enum shapes ------------------------------------------------------------------------------------------------

    private static final Map<Class<?>, EnumShape> ENUM_SHAPES = new ConcurrentHashMap<>();

    /**
     * How an enum is spelled, as {@link Json} spells it: by the method it marks {@link JsonValue} and read back by the
     * static factory it marks {@link JsonCreator} (a shard's outcome is {@code "ok"}), else by its constants' names.
     */
    private record EnumShape(Class<?> type, Method value, Method creator) {

        String label(Enum<?> constant) {
            if (value == null) {
                return constant.name();
            }
            try {
                return String.valueOf(value.invoke(constant));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot spell " + constant + " by " + value, e);
            }
        }

        Object parse(String text) {
            if (creator != null) {
                try {
                    return creator.invoke(null, text);
                } catch (InvocationTargetException e) {
                    throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not a " + type.getSimpleName());
        }
    }

    private static EnumShape enumShape(Class<?> type) {
        return ENUM_SHAPES.computeIfAbsent(type, t -> {
            Method value = null;
            Method creator = null;
            for (Method m : t.getDeclaredMethods()) {
                if (m.isAnnotationPresent(JsonValue.class) && m.getParameterCount() == 0) {
                    value = m;
                } else if (m.isAnnotationPresent(JsonCreator.class) && Modifier.isStatic(m.getModifiers())
                        && m.getParameterCount() == 1 && m.getParameterTypes()[0] == String.class) {
                    creator = m;
                }
            }
            return new EnumShape(t, value, creator);
        });
    }

    // ---- record shapes ----------------------------------------------------------------------------------------------

    /**
     * A record's component names, accessors, generic types and canonical constructor, found once per class; and the
     * names as the generator writes them, encoded once: a name given as a {@code String} is encoded character by
     * character on every write, which in the interpreted supervisor daemon was most of the cost of a service's
     * status in {@code state.json}.
     */
    private record Shape(String[] names, SerializedString[] fieldNames, Method[] accessors, Type[] types,
                         Map<String, Integer> index, Constructor<?> constructor) {
    }

    private static Shape shape(Class<?> type) {
        return SHAPES.computeIfAbsent(type, RecordJson::find);
    }

    private static Shape find(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        String[] names = new String[components.length];
        SerializedString[] fieldNames = new SerializedString[components.length];
        Method[] accessors = new Method[components.length];
        Type[] types = new Type[components.length];
        Class<?>[] raw = new Class<?>[components.length];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
            fieldNames[i] = new SerializedString(names[i]);
            accessors[i] = components[i].getAccessor();
            accessors[i].setAccessible(true);
            types[i] = components[i].getGenericType();
            raw[i] = components[i].getType();
            index.put(names[i], i);
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(raw);
            constructor.setAccessible(true);
            return new Shape(names, fieldNames, accessors, types, Map.copyOf(index), constructor);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
    }
}
