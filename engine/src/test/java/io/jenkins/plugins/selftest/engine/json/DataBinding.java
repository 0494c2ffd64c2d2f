package io.jenkins.plugins.selftest.engine.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Jackson's data binding as {@link Json#mapper()} configures it: how the engine wrote and read its JSON before
 * {@link RecordJson} did, so the form that files, build records and agents' answers of earlier versions have.
 * What {@link RecordJson} is held to by the tests.
 */
public final class DataBinding {

    private DataBinding() {
    }

    public static String write(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(Path file, Class<T> type) throws IOException {
        return Json.mapper().readValue(file.toFile(), type);
    }

    /** As {@link Json#writeAtomically} wrote a file: indented. */
    public static void writeIndented(Path file, Object value) throws IOException {
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
    }

    /** As {@link Json#replace} wrote a file: compact. */
    public static void writeCompact(Path file, Object value) throws IOException {
        Json.mapper().writer().writeValue(file.toFile(), value);
    }
}
