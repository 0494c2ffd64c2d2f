package io.jenkins.plugins.selftest.engine.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one JSON codec of the engine. Engine values (records, {@code List}, {@code Optional}, {@code Duration},
 * {@code Instant}) map to JSON and back; Jackson types never leave this package's callers' implementation.
 *
 * <p>Thread-safe: the mapper is configured once and only read afterwards.
 */
public final class Json {

    /** The mapper, built on first use: {@link #quote} and {@link RecordJson} do without it (the supervisor daemon). */
    private static final class Binding {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Json() {
    }

    /** The shared mapper, for engine code that needs streaming or tree access. */
    public static ObjectMapper mapper() {
        return Binding.MAPPER;
    }

    public static String write(Object value) {
        try {
            return Binding.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * {@code text} as a JSON string, quotes included, escaped exactly as {@link #write} escapes it: the quote and the
     * backslash, the control characters (backspace, tab, newline, form feed and carriage return by their short escapes,
     * the others by their six-character unicode escapes); everything else as it is. For a hot path that writes a small,
     * flat value by hand.
     */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return Binding.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON for " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T read(Path file, Class<T> type) throws IOException {
        try {
            return Binding.MAPPER.readValue(file.toFile(), type);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON for " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes {@code value} to {@code file} atomically: a temporary sibling is written, forced to disk and then
     * moved over the target, so a reader never sees a half-written file.
     */
    public static void writeAtomically(Path file, Object value) throws IOException {
        write(file, value, true);
    }

    /**
     * {@link #writeAtomically} for a file rewritten several times a second whose readers do without it after a crash
     * of the machine (a supervisor's {@code state.json}: its services die with the machine, and a successor rebuilds a
     * lost state from the events): compact, and not forced to disk. The move still makes a reader see the old file
     * or the new one, whole.
     */
    public static void replace(Path file, Object value) throws IOException {
        write(file, value, false);
    }

    private static void write(Path file, Object value, boolean durable) throws IOException {
        writeFile(file, durable, out -> (durable ? Binding.MAPPER.writerWithDefaultPrettyPrinter() : Binding.MAPPER.writer())
                .writeValue(out, value));
    }

    /** What writes a file's content. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code file} through a temporary sibling moved over it, so a reader sees the old file or the new one,
     * whole; {@code durable} forces the sibling to disk before the move.
     */
    static void writeFile(Path file, boolean durable, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            if (durable) {
                try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

}
