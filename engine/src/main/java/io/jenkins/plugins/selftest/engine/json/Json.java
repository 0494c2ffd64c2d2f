package io.jenkins.plugins.selftest.engine.json;

import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/**
 * The one JSON codec of the engine and the plugin: its values (records of strings, numbers, booleans, enums,
 * {@code Instant}s, {@code Duration}s, {@code Path}s, bytes, {@code Optional}s, lists, sets, string-keyed maps and
 * other such records) to JSON and back, each record an object of its components in declaration order. Written on
 * jackson-core alone ({@link RecordJson}): the same bytes Jackson's data binding wrote for them before, read from
 * what it wrote (tests hold the two to it, for the control directory's values and a run's files). Jackson types never
 * leave this package's callers' implementation.
 *
 * <p>Why not the data binding: it loads about 700 classes and their reflection and invocation machinery. In the
 * supervisor daemon, which lives as long as its services, that is about 10 MiB of resident memory (a target); in the
 * {@code selftest} command line, a fresh JVM each run, it was 0.3 s of CPU before the first shard could start (the
 * history's read), and as much again before a pytest run's coverage (coverage.py's reports, read as a tree). Other
 * tools' JSON is read as plain values ({@link #readPlain}).
 *
 * <p>Thread-safe: nothing here holds state but {@link RecordJson}'s caches of record shapes, which are concurrent maps.
 */
public final class Json {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Json() {
    }

    /**
     * The file's JSON as plain values, for other tools' JSON (coverage.py's report): an object as an ordered
     * {@code Map<String, Object>}, an array as a {@code List<Object>}, a string, a number as an {@code Integer} where
     * it fits one (else a {@code Long}, a {@code BigInteger} or a {@code Double}), a {@code Boolean}, or {@code null}.
     *
     * @throws IOException naming the file when it is not JSON
     */
    public static Object readPlain(Path file) throws IOException {
        return RecordJson.readPlain(file);
    }

    /** {@code value} as compact JSON. */
    public static String write(Object value) {
        return RecordJson.write(value);
    }

    /**
     * A record's JSON as {@link #fragment} wrote it, kept as its UTF-8 bytes: copying it into a file is one array copy,
     * where writing a string would encode it character by character (in the interpreted supervisor daemon, most of
     * the cost of a large {@code state.json}).
     */
    public static final class Fragment {
        final SerializedString json;

        Fragment(byte[] utf8) {
            json = new Utf8(utf8);
        }

        /** The JSON text. */
        @Override
        public String toString() {
            return json.getValue();
        }
    }

    /** A string whose UTF-8 form is known, so that the generator copies those bytes instead of encoding it again. */
    private static final class Utf8 extends SerializedString {
        private static final long serialVersionUID = 1L;

        Utf8(byte[] utf8) {
            super(new String(utf8, StandardCharsets.UTF_8));
            _unquotedUTF8Ref = utf8;
        }
    }

    /**
     * {@code value} as compact JSON the way {@link #replace} writes it into a file, to be copied there later: in
     * UTF-8, where a character outside the Basic Multilingual Plane is escaped ({@link #write(Object)}, writing
     * characters, leaves it as it is).
     */
    public static Fragment fragment(Record value) {
        return RecordJson.fragment(value);
    }

    /**
     * {@code text} as a JSON string, quotes included, escaped exactly as {@link #write} escapes it: the quote and the
     * backslash, the control characters (backspace, tab, newline, form feed and carriage return by their short escapes,
     * the others by their six-character unicode escapes); everything else as it is. For a hot path that writes a small,
     * flat value by hand.
     */
    public static String quote(String text) {
        return quote(new StringBuilder(text.length() + 2), text).toString();
    }

    /**
     * Appends {@code text} to {@code sb} as {@link #quote(String)} gives it, and returns {@code sb}. A text with
     * nothing to escape (the usual service name or message) is appended whole, not character by character.
     */
    public static StringBuilder quote(StringBuilder sb, String text) {
        int i = 0;
        while (i < text.length() && !escaped(text.charAt(i))) {
            i++;
        }
        sb.append('"');
        if (i == text.length()) {
            return sb.append(text).append('"');
        }
        sb.append(text, 0, i);
        for (; i < text.length(); i++) {
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
        return sb.append('"');
    }

    private static boolean escaped(char c) {
        return c < 0x20 || c == '"' || c == '\\';
    }

    /** {@code json} as a {@code type}: {@link IllegalArgumentException} naming the type when it is not one. */
    public static <T> T read(String json, Class<T> type) {
        return RecordJson.read(json, type);
    }

    /** The file as a {@code type}: {@link IOException} naming the file and the type when it is not one. */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        return RecordJson.read(file, type);
    }

    /**
     * Writes {@code value} to {@code file} atomically: a temporary sibling is written, forced to disk and then
     * moved over the target, so a reader never sees a half-written file.
     */
    public static void writeAtomically(Path file, Object value) throws IOException {
        RecordJson.writeAtomically(file, value);
    }

    /**
     * {@link #writeAtomically} for a file rewritten several times a second whose readers do without it after a crash
     * of the machine (a supervisor's {@code state.json}: its services die with the machine, and a successor rebuilds a
     * lost state from the events): compact, and not forced to disk. The move still makes a reader see the old file
     * or the new one, whole.
     */
    public static void replace(Path file, Object value) throws IOException {
        RecordJson.replace(file, value, RecordJson.NONE_WRITTEN);
    }

    /**
     * {@link #replace}, where a record inside {@code value} for which {@code written} gives its JSON (as
     * {@link #fragment} wrote it) is copied as it is, not written again: the same bytes for less work, where most of a
     * large value is unchanged since it was last written.
     */
    public static void replace(Path file, Object value, Function<Record, Fragment> written) throws IOException {
        RecordJson.replace(file, value, written);
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
