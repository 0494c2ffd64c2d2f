package io.jenkins.plugins.selftest.actions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.selftest.engine.supervisor.ExitInfo;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.time.Instant;
import io.jenkins.plugins.selftest.fakes.XStreamLike;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SupervisedServicesActionTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    static ServiceStatus service(String name, ServiceState state, int restarts, Optional<ExitInfo> lastExit,
                                 Optional<Instant> readyAt) {
        return new ServiceStatus(name, state, restarts + 1, Optional.of(42L), Optional.empty(), Optional.empty(), restarts,
                List.of(), 0, Optional.of(T0), readyAt, lastExit, Optional.empty(), 0, null, null, null);
    }

    static SupervisorState state(Instant at, ServiceStatus... services) {
        return new SupervisorState("sup", SupervisorState.Phase.RUNNING, 1, T0, at, List.of(services), 0, List.of());
    }

    @Test
    void servicesJsonHasOneRowPerServiceWithItsLogArtifact() throws Exception {
        SupervisedServicesAction a = new SupervisedServicesAction();
        a.update(state(T0.plusSeconds(90),
                service("db", ServiceState.READY, 0, Optional.empty(), Optional.of(T0.plusMillis(1500))),
                service("api", ServiceState.BACKOFF, 2, Optional.of(new ExitInfo(3, 137, Optional.of("KILL"), T0, "wrapper")),
                        Optional.empty())));

        JsonNode rows = new ObjectMapper().readTree(a.getServicesJson());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("name").asText()).isEqualTo("db");
        assertThat(rows.get(0).get("state").asText()).isEqualTo("ready");
        assertThat(rows.get(0).get("readyMillis").asLong()).isEqualTo(1500);
        assertThat(rows.get(0).get("uptimeMillis").asLong()).isEqualTo(90_000);
        assertThat(rows.get(0).get("log").asText()).isEqualTo("supervised-services/db.log");
        assertThat(rows.get(1).get("restarts").asInt()).isEqualTo(2);
        assertThat(rows.get(1).get("lastExit").asText()).isEqualTo("killed by KILL (137)");
        assertThat(rows.get(1).get("readyMillis").asLong()).isEqualTo(-1);
    }

    @Test
    void aLaterStateReplacesTheRowOfTheSameService() {
        SupervisedServicesAction a = new SupervisedServicesAction();
        a.update(state(T0, service("db", ServiceState.STARTING, 0, Optional.empty(), Optional.empty())));
        a.update(state(T0.plusSeconds(5), service("db", ServiceState.READY, 0, Optional.empty(), Optional.of(T0.plusSeconds(2)))));
        assertThat(a.getServices()).singleElement().extracting(SupervisedServicesAction.Row::getState).isEqualTo("ready");
    }

    /** {@code s} reached at {@code host} on {@code ports}, in {@code container} if not null (issue #13). */
    static ServiceStatus reachable(ServiceStatus s, String host, Map<String, Integer> ports, String container) {
        return new ServiceStatus(s.name(), s.state(), s.run(), s.pid(), s.startTicks(), s.cookie(), s.restarts(),
                s.recentRestarts(), s.consecutiveFailures(), s.startedAt(), s.readyAt(), s.lastExit(), s.message(),
                s.logBytesDropped(), Optional.of(host), ports, Optional.ofNullable(container));
    }

    @Test
    void rowsKeepWhereTheBodyReachesEachServiceForThePageAndTheRestApi() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("5432", 41234);
        ports.put("53/udp", 41235);
        SupervisedServicesAction a = new SupervisedServicesAction();
        a.update(state(T0, reachable(service("db", ServiceState.READY, 0, Optional.empty(), Optional.of(T0)),
                        "127.0.0.1", ports, "selftest-0a1b-db"),
                reachable(service("api", ServiceState.READY, 0, Optional.empty(), Optional.of(T0)), "127.0.0.1",
                        Map.of("PORT", 41240), null),
                service("worker", ServiceState.RUNNING, 0, Optional.empty(), Optional.empty())));

        JsonNode rows = new ObjectMapper().readTree(a.getServicesJson());
        assertThat(rows.get(0).get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(rows.get(0).get("ports").toString()).isEqualTo("{\"5432\":41234,\"53/udp\":41235}");
        assertThat(rows.get(0).get("container").asText()).isEqualTo("selftest-0a1b-db");
        assertThat(rows.get(1).get("ports").toString()).isEqualTo("{\"PORT\":41240}");
        assertThat(rows.get(1).get("container").isNull()).isTrue();
        assertThat(rows.get(2).get("host").isNull()).isTrue();
        assertThat(rows.get(2).get("ports").size()).isZero();
        SupervisedServicesAction.Row db = a.getServices().get(0);
        assertThat(db.getHost()).isEqualTo("127.0.0.1");
        assertThat(db.getPorts()).containsExactly(Map.entry("5432", 41234), Map.entry("53/udp", 41235));
        assertThat(db.getContainer()).isEqualTo("selftest-0a1b-db");
    }

    @Test
    void aRowOfABuildXmlWrittenBeforePortsExistedHasNone() {
        SupervisedServicesAction.Row old = XStreamLike.withoutFields(SupervisedServicesAction.Row.class);
        assertThat(old.getPorts()).isEmpty();
        assertThat(old.getHost()).isNull();
        assertThat(old.getContainer()).isNull();
    }
}
