package io.jenkins.plugins.selftest.engine.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Jackson's data binding as the engine configured it before {@link RecordJson}: how the engine wrote and read its
 * JSON then, so the form that files, build records and agents' answers of earlier versions have. What
 * {@link RecordJson} is held to by the tests, and how they read other tools' JSON as a tree.
 */
public final class DataBinding {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private DataBinding() {
    }

    /** The binding's mapper, configured as the engine's was. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(Path file, Class<T> type) throws IOException {
        return MAPPER.readValue(file.toFile(), type);
    }

    /** As {@link Json#writeAtomically} wrote a file: indented. */
    public static void writeIndented(Path file, Object value) throws IOException {
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
    }

    /** As {@link Json#replace} wrote a file: compact. */
    public static void writeCompact(Path file, Object value) throws IOException {
        MAPPER.writer().writeValue(file.toFile(), value);
    }
}
