package io.jenkins.plugins.selftest.engine.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Other tools' JSON read as plain values, and held to what the data binding reads as a tree. */
class PlainJsonTest {

    @TempDir
    Path tmp;

    @Test
    void objectsArraysAndScalarsAreMapsListsAndTheirJavaValuesInTheirOrder() throws IOException {
        Path f = Files.writeString(tmp.resolve("c.json"), "{\"files\":{\"b.py\":{\"lines\":[3,1,-2]},\"a.py\":{}},"
                + "\"big\":12345678901,\"huge\":123456789012345678901234,\"ratio\":0.5,\"ok\":true,\"none\":null,"
                + "\"name\":\"caf\\u00e9 \\\"x\\\"\"}");

        Object plain = Json.readPlain(f);

        Map<String, Object> root = map(plain);
        assertThat(root.keySet()).containsExactly("files", "big", "huge", "ratio", "ok", "none", "name");
        assertThat(map(root.get("files")).keySet()).containsExactly("b.py", "a.py");
        assertThat(map(map(root.get("files")).get("b.py")).get("lines")).isEqualTo(List.of(3, 1, -2));
        assertThat(root.get("big")).isEqualTo(12345678901L);
        assertThat(root.get("huge")).isEqualTo(new BigInteger("123456789012345678901234"));
        assertThat(root.get("ratio")).isEqualTo(0.5);
        assertThat(root.get("ok")).isEqualTo(true);
        assertThat(root).containsEntry("none", null);
        assertThat(root.get("name")).isEqualTo("café \"x\"");
        assertThat(DataBinding.mapper().convertValue(plain, Object.class))
                .as("what the binding makes of the same JSON").isEqualTo(DataBinding.mapper().readValue(f.toFile(), Object.class));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @Test
    void whatIsNotJsonIsAnIoExceptionNamingTheFile() throws IOException {
        for (String text : Arrays.asList("<xml/>", "", "{\"a\":1} trailing", "{\"a\":[1,2}")) {
            Path f = Files.writeString(tmp.resolve("bad.json"), text);
            assertThatThrownBy(() -> Json.readPlain(f)).as(text).isInstanceOf(IOException.class)
                    .hasMessageStartingWith(f + " is not valid JSON: ").hasMessageNotContaining("\n");
        }
    }
}
