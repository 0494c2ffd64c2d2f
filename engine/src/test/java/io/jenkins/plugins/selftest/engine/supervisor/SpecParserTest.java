package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {

    private static final String YAML = """
            heartbeatInterval: 1s
            services:
              - name: db
                command: postgres -D /data
                restart: always
                maxRestarts: 3
                restartWindow: 5m
                backoff: {initial: 200ms, factor: 3, max: 1m, resetAfter: 30}
                ready: {port: 5432, timeout: 90s, interval: 500ms}
                stopSignal: SIGINT
                stopTimeout: 20s
                logMaxBytes: 1MB
                logKeep: 5
                env: {PGDATA: /data}
              - name: api
                command: [java, -jar, app.jar]
                workingDir: /srv
                dependsOn: [db]
                successExitCodes: [0, 143]
                startSeconds: 2
                ready:
                  http: http://localhost:8080/health
                  log: "Started .* in"
            """;

    @Test
    void readsEveryOptionFromYaml() {
        SupervisorSpec spec = SpecParser.parse(YAML, false);

        assertThat(spec.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        ServiceSpec db = spec.service("db").orElseThrow();
        assertThat(db.command()).containsExactly("/bin/sh", "-c", "postgres -D /data");
        assertThat(db.restart()).isEqualTo(RestartPolicy.ALWAYS);
        assertThat(db.maxRestarts()).isEqualTo(3);
        assertThat(db.restartWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(db.backoff()).isEqualTo(new Backoff(Duration.ofMillis(200), 3, Duration.ofMinutes(1), Duration.ofSeconds(30)));
        assertThat(db.ready().orElseThrow().port()).contains(5432);
        assertThat(db.ready().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(db.ready().orElseThrow().interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(db.stopSignal()).isEqualTo(Signal.INT);
        assertThat(db.stopTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(db.logMaxBytes()).isEqualTo(1024 * 1024);
        assertThat(db.logKeep()).isEqualTo(5);
        assertThat(db.env()).containsEntry("PGDATA", "/data");
        ServiceSpec api = spec.service("api").orElseThrow();
        assertThat(api.command()).containsExactly("java", "-jar", "app.jar");
        assertThat(api.workingDir()).contains("/srv");
        assertThat(api.dependsOn()).containsExactly("db");
        assertThat(api.successExitCodes()).containsExactlyInAnyOrder(0, 143);
        assertThat(api.startSeconds()).isEqualTo(Duration.ofSeconds(2));
        assertThat(api.ready().orElseThrow().http()).contains("http://localhost:8080/health");
        assertThat(api.ready().orElseThrow().log()).contains("Started .* in");
        assertThat(api.restart()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(api.maxRestarts()).isEqualTo(ServiceSpec.DEFAULT_MAX_RESTARTS);
        assertThat(api.backoff()).isEqualTo(Backoff.DEFAULT);
    }

    @Test
    void jsonFilesWorkTooAndTheSpecRoundTripsThroughJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("services.json");
        Files.writeString(file, """
                {"services": [{"name": "web", "command": "python3 -m http.server", "ready": {"port": 8000}}]}
                """);

        SupervisorSpec spec = SpecParser.parse(file);

        assertThat(spec.services()).singleElement().extracting(ServiceSpec::name).isEqualTo("web");
        SupervisorSpec yaml = SpecParser.parse(YAML, false);
        assertThat(Json.read(Json.write(yaml), SupervisorSpec.class)).isEqualTo(yaml);
    }

    @Test
    void unknownKeyIsAnErrorNamingTheKeyAndItsLine() {
        String yaml = """
                services:
                  - name: db
                    command: postgres
                    restrat: always
                """;

        assertThatThrownBy(() -> SpecParser.parse(yaml, false)).isInstanceOf(SpecException.class)
                .hasMessageContaining("services[0].restrat (line 4): unknown key")
                .hasMessageContaining("restart");
    }

    @Test
    void unknownKeyInJsonNamesItsLine() {
        String json = "{\n \"services\": [\n  {\"name\": \"a\", \"command\": \"x\",\n   \"ready\": {\"prot\": 1}}]}";

        assertThatThrownBy(() -> SpecParser.parse(json, true))
                .hasMessageContaining("services[0].ready.prot (line 4): unknown key");
    }

    @Test
    void invalidValuesNameTheFieldAndTheFixAllAtOnce() {
        String yaml = """
                services:
                  - name: a
                    command: x
                  - name: b
                    command: y
                    restart: sometimes
                    stopTimeout: soon
                    ready: {port: 70000}
                """;

        assertThatThrownBy(() -> SpecParser.parse(yaml, false)).isInstanceOfSatisfying(SpecException.class, e -> {
            assertThat(e.problems()).hasSize(3);
            assertThat(e.getMessage())
                    .contains("services[1].restart (line 6): 'sometimes' is not one of always, on-failure, never")
                    .contains("services[1].stopTimeout (line 7): 'soon' is not a duration: use e.g. 200ms, 30s, 5m, 1h")
                    .contains("services[1].ready.port: 70000 is not a TCP port");
        });
    }

    @Test
    void duplicateNamesUnknownDependenciesAndCyclesAreRejected() {
        SupervisorSpec spec = SupervisorSpec.of(
                ServiceSpec.shell("a", "x").dependsOn("b").build(),
                ServiceSpec.shell("b", "x").dependsOn("a").build(),
                ServiceSpec.shell("a", "x").build(),
                ServiceSpec.shell("c", "x").dependsOn("nope").build());

        assertThat(spec.problems()).anyMatch(p -> p.startsWith("services[2].name: 'a' is already the name of services[0]"))
                .anyMatch(p -> p.startsWith("services[3].dependsOn: 'nope' is not a service here"))
                .anyMatch(p -> p.contains("a -> b -> a") && p.contains("cycle"));
    }

    @Test
    void missingNameAndCommandAreNamed() {
        assertThatThrownBy(() -> SpecParser.parse("services:\n  - restart: always\n", false))
                .hasMessageContaining("services[0].name: missing").hasMessageContaining("services[0].command: missing");
    }

    @ParameterizedTest
    @CsvSource({"1024,1024", "512KB,524288", "10MB,10485760", "1GiB,1073741824", "2k,2048"})
    void sizesAcceptUnits(String text, long bytes) {
        assertThat(SpecParser.parseSize(text)).isEqualTo(bytes);
    }

    @Test
    void pipelineMapsUseTheSameKeys() {
        ServiceSpec s = SpecParser.serviceFromMap(Map.of("name", "api", "command", "java -jar app.jar",
                "restart", "on-failure", "maxRestarts", 5, "backoff", Map.of("initial", "200ms", "factor", 2, "max", "30s"),
                "ready", Map.of("http", "http://localhost:8080/health", "timeout", "60s")));

        assertThat(s.backoff().initial()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.ready().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.maxRestarts()).isEqualTo(5);
    }

    @Test
    void backoffDelaysGrowByFactorUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), 2, Duration.ofMillis(500), Duration.ofSeconds(10));

        assertThat(List.of(b.delay(1), b.delay(2), b.delay(3), b.delay(4), b.delay(60))).containsExactly(
                Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(500), Duration.ofMillis(500));
        assertThat(Backoff.NONE.delay(7)).isZero();
    }

    @Test
    void restartPolicyDecidesByExitCode() {
        assertThat(RestartPolicy.ON_FAILURE.restartsAfter(0, Set.of(0))).isFalse();
        assertThat(RestartPolicy.ON_FAILURE.restartsAfter(143, Set.of(0))).isTrue();
        assertThat(RestartPolicy.ALWAYS.restartsAfter(0, Set.of(0))).isTrue();
        assertThat(RestartPolicy.NEVER.restartsAfter(1, Set.of(0))).isFalse();
        assertThat(RestartPolicy.parse("on_failure")).isEqualTo(RestartPolicy.ON_FAILURE);
    }
}
