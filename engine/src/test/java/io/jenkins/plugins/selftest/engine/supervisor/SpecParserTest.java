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

    /** Every option of a process service; {@link ControlFilesJsonTest} writes it too. */
    static final String YAML = """
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

    // ---- limits (#10, item 12) ------------------------------------------------------------------------------------

    private static final String ONE_SERVICE = "services:\n  - name: a\n    command: x\n";

    @Test
    void specFileOverOneMebibyteIsRefusedNamingTheFileAndTheLimit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.yaml");
        // a valid spec padded with comments: only its size is wrong
        Files.writeString(file, ONE_SERVICE + ("# " + "x".repeat(1021) + "\n").repeat(1100));
        assertThat(Files.size(file)).isGreaterThan(SpecParser.MAX_FILE_BYTES);

        assertThatThrownBy(() -> SpecParser.parse(file)).isInstanceOfSatisfying(SpecException.class, e -> {
            assertThat(e.problems()).hasSize(1);
            assertThat(e.getMessage()).doesNotContain("\n").startsWith(file + ": ")
                    .contains("more than the limit of a spec file, 1048576 bytes (1 MiB)");
        });
    }

    @Test
    void specFileJustUnderTheLimitIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("padded.yaml");
        Files.writeString(file, ONE_SERVICE + ("# " + "x".repeat(1021) + "\n").repeat(1000));

        assertThat(SpecParser.parse(file).services()).hasSize(1);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> overLimits() {
        StringBuilder services = new StringBuilder("services:\n");
        for (int i = 0; i <= SpecParser.MAX_SERVICES; i++) {
            services.append("  - {name: s").append(i).append(", command: x}\n");
        }
        StringBuilder env = new StringBuilder(ONE_SERVICE + "    env:\n");
        for (int i = 0; i <= SpecParser.MAX_ITEMS; i++) {
            env.append("      V").append(i).append(": v\n");
        }
        StringBuilder argv = new StringBuilder("services:\n  - name: a\n    command:\n");
        for (int i = 0; i <= SpecParser.MAX_ITEMS; i++) {
            argv.append("      - a").append(i).append('\n');
        }
        String longValue = "x".repeat(SpecParser.MAX_STRING_CHARS + 1);
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("services", services.toString(),
                        "services (line 1): 257 services are more than the limit of 256: split them over several supervisors"),
                org.junit.jupiter.params.provider.Arguments.of("env entries", env.toString(),
                        "services[0].env (line 4): 1025 variables are more than the limit of 1024"),
                org.junit.jupiter.params.provider.Arguments.of("argv entries", argv.toString(),
                        "services[0].command (line 3): 1025 entries are more than the limit of 1024"),
                org.junit.jupiter.params.provider.Arguments.of("command length",
                        "services:\n  - name: a\n    command: " + longValue + "\n",
                        "services[0].command (line 3): 131073 characters are more than the limit of 131072 (128 KiB)"),
                org.junit.jupiter.params.provider.Arguments.of("env value length",
                        ONE_SERVICE + "    env: {BIG: " + longValue + "}\n",
                        "services[0].env (line 4): 131073 characters are more than the limit of 131072 (128 KiB)"));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("overLimits")
    void countsAndLengthsOverTheLimitAreRefusedNamingTheField(String what, String yaml, String problem,
                                                             @TempDir Path dir) throws Exception {
        Path file = dir.resolve("services.yaml");
        Files.writeString(file, yaml);

        assertThatThrownBy(() -> SpecParser.parse(file)).isInstanceOfSatisfying(SpecException.class,
                e -> assertThat(e.problems()).singleElement().asString().startsWith(file + ": " + problem));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"NaN", "Infinity", "-Infinity", "'-Infinity'", "1e400", "-2"})
    void backoffFactorThatIsNotAFiniteNumberOfAtLeastOneIsAProblemOfTheField(String factor) {
        String yaml = ONE_SERVICE + "    backoff: {factor: " + factor + "}\n";

        assertThatThrownBy(() -> SpecParser.parse(yaml, false)).isInstanceOfSatisfying(SpecException.class,
                e -> assertThat(e.problems()).singleElement().asString().startsWith("services[0].backoff.factor"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void backoffFactorOfAPipelineMapIsCheckedTheSameWay(double factor) {
        assertThatThrownBy(() -> SpecParser.serviceFromMap(Map.of("name", "a", "command", "x",
                "backoff", Map.of("factor", factor)))).isInstanceOfSatisfying(SpecException.class,
                e -> assertThat(e.problems()).containsExactly("services[0].backoff.factor: '" + factor
                        + "' is not a finite number: give a decimal number such as 2 or 1.5"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"4294967295", "2147483648", "-2147483649", "1e12", "'4294967295'"})
    void maxRestartsOutOfRangeIsRefusedInsteadOfWrappingToNoLimit(String value) {
        String yaml = ONE_SERVICE + "    maxRestarts: " + value + "\n";

        assertThatThrownBy(() -> SpecParser.parse(yaml, false)).isInstanceOfSatisfying(SpecException.class,
                e -> assertThat(e.problems()).singleElement().asString()
                        .startsWith("services[0].maxRestarts (line 4): ").contains("out of range"));
        assertThatThrownBy(() -> SpecParser.serviceFromMap(Map.of("name", "a", "command", "x", "maxRestarts", 4294967295L)))
                .hasMessage("services[0].maxRestarts: '4294967295' is out of range: use a whole number from -2147483648 to 2147483647");
    }

    @Test
    void hugeSizesAndDurationsAreProblemsOfTheirField() {
        assertThatThrownBy(() -> SpecParser.parse(ONE_SERVICE + "    logMaxBytes: 99999999999GB\n", false))
                .isInstanceOf(SpecException.class)
                .hasMessage("services[0].logMaxBytes (line 4): '99999999999GB' is too large a size: use e.g. 10MB or 1GB");
        assertThatThrownBy(() -> SpecParser.serviceFromMap(Map.of("name", "a", "command", "x", "stopTimeout", Double.NaN)))
                .isInstanceOf(SpecException.class)
                .hasMessage("services[0].stopTimeout: 'NaN' is not a duration: give a finite number of seconds");
    }
}
