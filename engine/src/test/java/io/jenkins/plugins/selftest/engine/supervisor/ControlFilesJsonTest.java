package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.json.DataBinding;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control directory's files keep their form now that {@link Json} writes and reads them on jackson-core alone
 * instead of through Jackson's data binding ({@link DataBinding}, how they were written before): for every value of
 * the protocol, with every member set and with the optional ones empty, both write the same bytes (compact and
 * indented) and each reads what the other wrote. So a daemon of this version resumes from the files of an older one,
 * and the other way round.
 */
class ControlFilesJsonTest {

    private static final Instant T = Instant.parse("2026-12-02T22:07:30.123456789Z");
    /** Quotes, a backslash, every short escape, other control characters, a non-ASCII letter and a surrogate pair. */
    private static final String AWKWARD = "say \"hi\" \\ \b\t\n\f\r \u0000\u001f\u007f é \uD83D\uDE00 </script>";

    @TempDir
    Path tmp;

    /** What {@link SpecParserTest#YAML} leaves out: awkward values, an own port, a command probe, a container. */
    private static SupervisorSpec spec() {
        return SpecParser.parse("""
                heartbeatInterval: 1500ms
                staleAfter: 20s
                services:
                  - name: db
                    command: postgres -D /data
                    maxRestarts: -1
                    backoff: {initial: 200ms, factor: 2.5, max: 1m, resetAfter: 30}
                    ready: {port: 5432, host: 127.0.0.1}
                    env: {PGDATA: /data, "QUOTED": "a \\"b\\" é\\n\\u0001"}
                  - name: api
                    command: [java, -jar, app.jar]
                    port: 8080
                    ready: {command: [curl, -f, localhost]}
                  - name: cache
                    image: localhost/selftest-service
                    ports: ['8080', 53/udp]
                    volumes: ['data:/var/lib/data', './fixtures:/fixtures:ro']
                    runtime: podman
                    dockerHost: unix:///run/podman/podman.sock
                    ready: {http: /health, exec: test -f /ready, healthcheck: true}
                """, false);
    }

    private static ServiceStatus full() {
        return new ServiceStatus("api", ServiceState.READY, 3, Optional.of(42L), Optional.of(9000L),
                Optional.of("id.api.3"), 2, List.of(T, T.plusSeconds(1)), 1, Optional.of(T), Optional.of(T.plusMillis(5)),
                Optional.of(ExitInfo.of(2, 143, T.minusMillis(500), ExitInfo.Recorded.PROCESS)), Optional.of(AWKWARD),
                12, Optional.of("127.0.0.1"), Map.of("5432", 40001), Optional.of("selftest-svc-x-api"));
    }

    private static ServiceStatus empty() {
        return new ServiceStatus("db", ServiceState.WAITING, 0, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                List.of(), 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Optional.empty(), Map.of(), Optional.empty());
    }

    private static SupervisorState state() {
        return new SupervisorState("sup-1", SupervisorState.Phase.STOPPING, 4242, T, T.plusSeconds(60),
                List.of(full(), empty()), 3, List.of(AWKWARD, "cannot write x"));
    }

    private static List<SupervisorEvent> events() {
        List<SupervisorEvent> events = new ArrayList<>();
        long seq = Long.MAX_VALUE - SupervisorEvent.Type.values().length;
        for (SupervisorEvent.Type type : SupervisorEvent.Type.values()) {
            boolean odd = type.ordinal() % 2 == 1;
            events.add(new SupervisorEvent(seq++, T.plusNanos(type.ordinal()), type,
                    odd ? Optional.empty() : Optional.of("svc-" + type), type.ordinal(),
                    odd ? Optional.of((long) Integer.MAX_VALUE + 1) : Optional.empty(),
                    odd ? Optional.of(-1) : Optional.empty(), odd ? Optional.empty() : Optional.of(0L),
                    odd ? AWKWARD : type.name().toLowerCase()));
        }
        return events;
    }

    private static List<Object> values() {
        List<Object> values = new ArrayList<>(List.of(SpecParser.parse(SpecParserTest.YAML, false), spec(), state(),
                full(), empty(),
                new SupervisorDaemon.Owner(77, Optional.of(123456789L), T, List.of("java", "-cp", "a b.jar", AWKWARD), true),
                new SupervisorDaemon.Owner(1, Optional.empty(), Instant.EPOCH, List.of(), false),
                new ControlDirectory.RespawnClaim("pid 9 on host", T),
                new SupervisorClient.LogChunk(AWKWARD.getBytes(java.nio.charset.StandardCharsets.UTF_8), 42, true),
                new SupervisorClient.LogChunk(new byte[0], 0, false)));
        values.addAll(events());
        return values;
    }

    @Test
    void writesTheBytesOfTheDataBindingAndReadsThemBack() {
        for (Object value : values()) {
            String bound = DataBinding.write(value);

            assertThat(Json.write(value)).as(value.getClass().getSimpleName()).isEqualTo(bound);
            assertThat(Json.read(bound, value.getClass())).usingRecursiveComparison().isEqualTo(value);
            assertThat(DataBinding.read(Json.write(value), value.getClass())).usingRecursiveComparison().isEqualTo(value);
        }
    }

    @Test
    void writesTheSameFilesIndentedAndCompact() throws IOException {
        for (Object value : values()) {
            DataBinding.writeIndented(tmp.resolve("bound.json"), value);
            Json.writeAtomically(tmp.resolve("record.json"), value);
            DataBinding.writeCompact(tmp.resolve("bound-compact.json"), value);
            Json.replace(tmp.resolve("record-compact.json"), value);

            assertThat(Files.readString(tmp.resolve("record.json"))).isEqualTo(Files.readString(tmp.resolve("bound.json")))
                    .contains("\n  ");
            assertThat(Files.readString(tmp.resolve("record-compact.json")))
                    .isEqualTo(Files.readString(tmp.resolve("bound-compact.json")));
            assertThat(Json.read(tmp.resolve("bound.json"), value.getClass())).usingRecursiveComparison().isEqualTo(value);
        }
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("bound.json", "record.json", "bound-compact.json", "record-compact.json");
        }
    }

    @Test
    void aStatusWrittenBeforeIsCopiedIntoTheStateAsTheSameBytes() throws IOException {
        DataBinding.writeCompact(tmp.resolve("bound.json"), state());
        Json.replace(tmp.resolve("copied.json"), state(), r -> r instanceof ServiceStatus s ? Json.fragment(s) : null);
        Json.Fragment marker = Json.fragment(new Copied(true, "\u00e9\u20ac\ud83d\ude00"));
        Json.replace(tmp.resolve("marked.json"), state(),
                r -> r instanceof ServiceStatus s && s.name().equals("db") ? marker : null);

        assertThat(Files.readString(tmp.resolve("copied.json"))).isEqualTo(Files.readString(tmp.resolve("bound.json")));
        assertThat(Files.readString(tmp.resolve("marked.json"))).as("what it is given is what is copied")
                .contains(Json.fragment(full()) + ",{\"copied\":true,\"text\":\"\u00e9\u20ac\\uD83D\\uDE00\"}]");
    }

    @Test
    void readsWhatTheDataBindingReadsFromPartialAndForeignFiles() {
        List<String> texts = List.of(
                // members missing: null, empty, zero
                "{\"seq\":5,\"type\":\"READY\",\"time\":\"2026-12-02T22:07:30Z\",\"message\":\"m\"}",
                // a member of a later version, of every shape, is skipped
                "{\"seq\":5,\"later\":{\"a\":[1,{\"b\":null}],\"c\":\"d\"},\"type\":\"EXITED\",\"exitCode\":null,"
                        + "\"pid\":7,\"time\":\"2026-12-02T22:07:30.5Z\",\"message\":\"m\",\"run\":2,\"more\":[true]}",
                // numbers where a time is written as seconds
                "{\"seq\":1,\"type\":\"READY\",\"time\":1764713250.25,\"message\":\"m\",\"delayMs\":3}");
        for (String text : texts) {
            assertThat(Json.read(text, SupervisorEvent.class)).as(text).isEqualTo(DataBinding.read(text, SupervisorEvent.class));
        }
        String specText = "{\"services\":[],\"heartbeatInterval\":2.5,\"staleAfter\":\"PT15S\"}";
        assertThat(Json.read(specText, SupervisorSpec.class)).isEqualTo(DataBinding.read(specText, SupervisorSpec.class))
                .extracting(SupervisorSpec::heartbeatInterval).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void badInputIsOneLineNamingTheType() {
        assertThatThrownBy(() -> Json.read("{\"seq\":\"five\"}", SupervisorEvent.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not valid JSON for SupervisorEvent: expected long, found VALUE_STRING");
        assertThatThrownBy(() -> Json.read("{\"type\":\"EXPLODED\"}", SupervisorEvent.class))
                .hasMessage("not valid JSON for SupervisorEvent: 'EXPLODED' is not a Type");
        assertThatThrownBy(() -> Json.read("{\"seq\":1,", SupervisorEvent.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not valid JSON for SupervisorEvent: ")
                .message().doesNotContain("\n");
        assertThatThrownBy(() -> Json.read("{} {}", SupervisorEvent.class))
                .hasMessageStartingWith("not valid JSON for SupervisorEvent: more content after the value");
        assertThatThrownBy(() -> Json.read("", SupervisorEvent.class))
                .hasMessage("not valid JSON for SupervisorEvent: no content");
        // the record's own checks speak for it
        assertThatThrownBy(() -> Json.read("{\"phase\":\"RUNNING\"}", SupervisorState.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not valid JSON for SupervisorState: ");
    }

    @Test
    void aTornFileIsAnIoErrorNamingTheFile() throws IOException {
        Path torn = tmp.resolve("state.json");
        Files.writeString(torn, Json.write(state()).substring(0, 100));

        assertThatThrownBy(() -> Json.read(torn, SupervisorState.class)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(torn + " is not valid JSON for SupervisorState: ");
        assertThatThrownBy(() -> Json.read(tmp.resolve("gone.json"), SupervisorState.class))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    /** A record that is not a status, copied in place of one. */
    private record Copied(boolean copied, String text) {
    }
}
