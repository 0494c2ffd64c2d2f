package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Container services and ports in spec files and step maps: what they read as, and the one-line errors. */
class ContainerServiceSpecTest {

    @Test
    void aContainerServiceReadsItsImagePortsVolumesAndProbes() {
        SupervisorSpec spec = SpecParser.parse("""
                services:
                  - name: db
                    image: localhost/selftest-service
                    command: httpd -f -p '8080'
                    env: {MODE: test}
                    ports: ['8080', 53/udp]
                    volumes: ['data:/var/lib/data', './fixtures:/fixtures:ro']
                    runtime: podman
                    ready: {http: /health, exec: test -f /ready, healthcheck: true}
                  - name: api
                    command: ./api --port "$PORT"
                    port: auto
                    dependsOn: [db]
                    ready: {port: auto}
                """, false);

        ServiceSpec db = spec.services().get(0);
        assertThat(db.containerized()).isTrue();
        assertThat(db.command()).containsExactly("httpd", "-f", "-p", "8080");
        assertThat(db.env()).containsEntry("MODE", "test");
        ContainerPart c = db.container().orElseThrow();
        assertThat(c.image()).isEqualTo("localhost/selftest-service");
        assertThat(c.parsedPorts()).extracting(ContainerPart.Port::key).containsExactly("8080", "53/udp");
        assertThat(c.parsedVolumes()).containsExactly(new ContainerPart.Volume("data", true, "/var/lib/data", false),
                new ContainerPart.Volume("./fixtures", false, "/fixtures", true));
        assertThat(c.runtime()).contains("podman");
        Readiness r = db.ready().orElseThrow();
        assertThat(r.http()).contains("/health");
        assertThat(r.exec()).contains(List.of("/bin/sh", "-c", "test -f /ready"));
        assertThat(r.healthcheck()).isTrue();

        ServiceSpec api = spec.services().get(1);
        assertThat(api.containerized()).isFalse();
        assertThat(api.port()).contains(ServiceSpec.AUTO_PORT);
        assertThat(api.ready().orElseThrow().port()).contains(ServiceSpec.AUTO_PORT);
        assertThat(Json.read(Json.write(spec), SupervisorSpec.class)).isEqualTo(spec);
    }

    @Test
    void theStepsMapsReadTheSameWithoutACommandForTheImagesOwn() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "cache");
        m.put("image", "redis:7");
        m.put("ports", List.of("6379"));
        m.put("command", List.of("redis-server", "--save", ""));
        ServiceSpec s = SpecParser.serviceFromMap(m);
        assertThat(s.command()).containsExactly("redis-server", "--save", "");

        ServiceSpec plain = SpecParser.serviceFromMap(Map.of("name", "web", "image", "nginx", "port", 8080));
        assertThat(plain.command()).isEmpty();
        assertThat(plain.port()).contains(8080);
    }

    @Test
    void badContainerFieldsAreOneLineEachNamingTheFieldAndTheFix() {
        assertThatThrownBy(() -> SpecParser.parse("""
                services:
                  - name: a
                    image: 'bad image'
                    ports: ['5432', 'abc', '1:2', '70000']
                    volumes: ['/etc:/etc', '../up:/up', 'data', 'd:/x:rx', 'd:rel']
                    runtime: lxc
                    dockerHost: 'http://x'
                    workingDir: /tmp
                    port: 0
                  - name: b
                    command: x
                    ports: ['80']
                    ready: {exec: 'true'}
                  - name: c
                    command: x
                    ready: {http: /health}
                  - name: d
                    command: x
                    port: many
                """, false)).isInstanceOfSatisfying(SpecException.class, e -> {
            assertThat(e.problems()).allSatisfy(p -> assertThat(p).doesNotContain("\n").doesNotContain("Exception"));
            assertThat(e.getMessage())
                    .contains("services[0].port (line 9): 0 is not a TCP port: use 'auto' or 1 to 65535")
                    .contains("services[1].ports (line 12): applies to container services only")
                    .contains("services[3].port (line 19): 'many' is not a port: use 'auto' or 1 to 65535");
        });
        assertThatThrownBy(() -> SpecParser.parse("""
                services:
                  - name: a
                    image: 'bad image'
                    ports: ['5432', 'abc', '1:2', '70000', '5432/tcp']
                    volumes: ['/etc:/etc', '../up:/up', 'data', 'd:/x:rx', 'd:rel', '~/x:/x', 'd:/x,source=/etc']
                    runtime: lxc
                    dockerHost: 'http://x'
                    workingDir: /tmp
                  - name: b
                    command: x
                    ready: {exec: 'true'}
                  - name: c
                    command: x
                    ready: {http: /health}
                """, false)).isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.getMessage())
                .contains("services[0].image: 'bad image' is not an image name")
                .contains("services[0].ports: 'abc' is not a container port")
                .contains("services[0].ports: '1:2' is not a container port")
                .contains("services[0].ports: '70000' is not a container port")
                .contains("services[0].ports: '5432/tcp' is given twice")
                .contains("services[0].volumes: '/etc:/etc' mounts the host path '/etc': host paths outside the workspace are refused")
                .contains("services[0].volumes: '~/x:/x' mounts the host path")
                .contains("services[0].volumes: 'd:/x,source=/etc' has a ',' or '='")
                .contains("services[0].volumes: '../up:/up' leads out of the workspace")
                .contains("services[0].volumes: 'data' is not a volume")
                .contains("services[0].volumes: 'd:/x:rx' ends in ':rx'")
                .contains("services[0].volumes: 'd:rel' has the container path 'rel'")
                .contains("services[0].runtime: 'lxc' is not a container runtime: use podman or docker")
                .contains("services[0].dockerHost: 'http://x' is not an engine address")
                .contains("services[0].workingDir: applies to process services only")
                .contains("services[1].ready.exec: applies to container services only")
                .contains("services[2].ready: http: a path means the service's own port, but it has none: set port: 'auto'"));
    }

    @Test
    void aContainerCommandStringIsSplitAsTheShellWouldAndAnUnclosedQuoteIsNamed() {
        assertThatThrownBy(() -> SpecParser.serviceFromMap(Map.of("name", "a", "image", "x", "command", "sh -c 'echo")))
                .hasMessageStartingWith("services[0].command: ")
                .hasMessageContaining("unclosed '");
    }

    @Test
    void endpointsGiveHostAndPortVariablesWithNamesUpperCased() {
        ServiceStatus web = status("mock-api", Map.of("PORT", 41000));
        Map<String, Integer> two = new LinkedHashMap<>();
        two.put("5432", 41001);
        two.put("53/udp", 41002);
        ServiceStatus db = status("db.main", two);
        ServiceStatus none = status("plain", Map.of());

        assertThat(ServiceEndpoints.environment(List.of(web, db, none))).containsExactly(
                Map.entry("SERVICE_MOCK_API_HOST", "127.0.0.1"),
                Map.entry("SERVICE_MOCK_API_PORT", "41000"),
                Map.entry("SERVICE_DB_MAIN_HOST", "127.0.0.1"),
                Map.entry("SERVICE_DB_MAIN_PORT", "41001"),
                Map.entry("SERVICE_DB_MAIN_PORT_5432", "41001"),
                Map.entry("SERVICE_DB_MAIN_PORT_53_UDP", "41002"));
    }

    @Test
    void aStateFileWithoutHostPortsAndContainerStillLoads() {
        String old = "{\"name\":\"a\",\"state\":\"READY\",\"run\":1,\"restarts\":0,\"recentRestarts\":[],"
                + "\"consecutiveFailures\":0,\"logBytesDropped\":0}";
        ServiceStatus s = Json.read(old, ServiceStatus.class);
        assertThat(s.host()).isEmpty();
        assertThat(s.ports()).isEmpty();
        assertThat(s.container()).isEmpty();
        ServiceStatus full = status("db", Map.of("5432", 40000));
        assertThat(Json.read(Json.write(full), ServiceStatus.class)).isEqualTo(full);
    }

    private static ServiceStatus status(String name, Map<String, Integer> ports) {
        return new ServiceStatus(name, ServiceState.READY, 1, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                List.of(), 0, Optional.of(Instant.EPOCH), Optional.empty(), Optional.empty(), Optional.empty(), 0,
                ports.isEmpty() ? Optional.empty() : Optional.of("127.0.0.1"), ports, Optional.empty());
    }
}
