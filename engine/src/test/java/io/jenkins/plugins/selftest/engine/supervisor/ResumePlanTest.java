package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Taking over from a dead supervisor, decided from its state, the live processes and the exit files alone. */
class ResumePlanTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Cookies COOKIES = new Cookies("sup");
    private static final ServiceSpec API = ServiceSpec.shell("api", "sleep 60").build();
    private static final ServiceSpec DB = ServiceSpec.shell("db", "sleep 60").build();

    private static ServiceStatus recorded(String name, ServiceState state, int run, Optional<Long> pid) {
        // the start time the predecessor read of its wrapper: what leader() gives that pid
        return new ServiceStatus(name, state, run, pid, pid.map(p -> p * 10), Optional.of(COOKIES.of(name, run)), 1,
                List.of(T0), 1, Optional.of(T0), Optional.empty(), Optional.empty(), Optional.empty(), 0, null, null, null);
    }

    private static SupervisorState previous(ServiceStatus... services) {
        return new SupervisorState("sup", SupervisorState.Phase.RUNNING, 42, T0, T0, List.of(services), 0, List.of());
    }

    private static ResumePlan.LiveProcess leader(long pid, String service, int run) {
        return new ResumePlan.LiveProcess(pid, COOKIES.of(service, run), true, Optional.of(pid * 10), Optional.of(T0));
    }

    private static ResumePlan.LiveProcess child(long pid, String service, int run) {
        return new ResumePlan.LiveProcess(pid, COOKIES.of(service, run), false, Optional.of(pid * 10), Optional.of(T0));
    }

    private static ResumePlan plan(SupervisorState previous, List<ResumePlan.LiveProcess> live,
                                   Map<String, Integer> exitFiles, ServiceSpec... services) {
        return plan(previous, live, exitFiles, Map.of(), services);
    }

    /** @param spawnRecords "service.run" to the wrapper pid in its spawn record (0: written, no pid yet) */
    private static ResumePlan plan(SupervisorState previous, List<ResumePlan.LiveProcess> live,
                                   Map<String, Integer> exitFiles, Map<String, Long> spawnRecords, ServiceSpec... services) {
        return ResumePlan.of(List.of(services), previous, COOKIES, live, new ResumePlan.Runs() {
            @Override
            public Optional<Integer> exitCode(String service, int run) {
                return Optional.ofNullable(exitFiles.get(service + "." + run));
            }

            @Override
            public int lastRecorded(String service) {
                return java.util.stream.Stream.concat(exitFiles.keySet().stream(), spawnRecords.keySet().stream())
                        .filter(k -> k.startsWith(service + ".")).mapToInt(k -> Integer.parseInt(k.substring(service.length() + 1)))
                        .max().orElse(0);
            }

            @Override
            public Optional<Long> wrapperPid(String service, int run) {
                return Optional.ofNullable(spawnRecords.get(service + "." + run)).filter(pid -> pid != 0);
            }
        });
    }

    @Test
    void theLiveLeaderOfTheRecordedRunIsAdoptedWithItsStartTime() {
        ServiceStatus api = recorded("api", ServiceState.READY, 2, Optional.of(100L));
        ResumePlan.LiveProcess wrapper = leader(100, "api", 2);

        ResumePlan p = plan(previous(api), List.of(wrapper, child(101, "api", 2)), Map.of(), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.Adopt(api, wrapper, 2));
        assertThat(((ResumePlan.Adopt) p.steps().get(0)).process().startTicks()).contains(1000L);
        // the wrapper's child carries the adopted cookie: it is part of the adopted run, not a stray
        assertThat(p.strays()).isEmpty();
    }

    @Test
    void aNewerRunSpawnedAfterTheLastStateWriteIsAdoptedAndOlderRunsAreStrays() {
        ServiceStatus api = recorded("api", ServiceState.BACKOFF, 2, Optional.empty());
        ResumePlan.LiveProcess newer = leader(300, "api", 3);

        ResumePlan p = plan(previous(api), List.of(leader(100, "api", 1), newer, child(301, "api", 3)), Map.of(),
                Map.of("api.3", 300L), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.Adopt(api, newer, 3));
        assertThat(p.strays()).containsExactly(COOKIES.of("api", 1));
    }

    @Test
    void aRunWhoseLeaderIsGoneIsNotAdoptedThroughItsChildren() {
        ServiceStatus api = recorded("api", ServiceState.READY, 2, Optional.of(100L));

        ResumePlan p = plan(previous(api), List.of(child(101, "api", 2)), Map.of("api.2", 0), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.RecordExit(api, 2, Optional.of(0)));
        assertThat(p.strays()).containsExactly(COOKIES.of("api", 2));
    }

    @Test
    void aDeadRunWithAnExitFileRecordsThatExitAndOneWithoutRecordsAnUnknownEnd() {
        ServiceStatus api = recorded("api", ServiceState.READY, 2, Optional.of(100L));
        ServiceStatus db = recorded("db", ServiceState.RUNNING, 5, Optional.of(200L));

        ResumePlan p = plan(previous(db, api), List.of(), Map.of("api.2", 3, "api.1", 0), DB, API);

        assertThat(p.steps()).containsExactly(new ResumePlan.RecordExit(db, 5, Optional.empty()),
                new ResumePlan.RecordExit(api, 2, Optional.of(3)));
    }

    @Test
    void aRunRecordedAsStartingWithoutAPidStillRecordsItsExit() {
        ServiceStatus api = recorded("api", ServiceState.STARTING, 4, Optional.empty());

        ResumePlan p = plan(previous(api), List.of(), Map.of("api.4", 1), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.RecordExit(api, 4, Optional.of(1)));
    }

    @Test
    void aServiceInBackoffRespawnsAndAWaitingOneWaits() {
        ServiceStatus api = recorded("api", ServiceState.BACKOFF, 2, Optional.empty());
        ServiceStatus db = recorded("db", ServiceState.WAITING, 0, Optional.empty());

        ResumePlan p = plan(previous(api, db), List.of(), Map.of(), DB, API);

        assertThat(p.steps()).containsExactly(new ResumePlan.Wait(db), new ResumePlan.Respawn(api));
        assertThat(p.steps()).extracting(ResumePlan.Step::previous).containsExactly(Optional.of(db), Optional.of(api));
    }

    @Test
    void aServiceThatEndedForGoodKeepsItsEndAndWhatStillCarriesItsCookieIsAStray() {
        ServiceStatus api = recorded("api", ServiceState.FAILED, 2, Optional.empty());

        ResumePlan p = plan(previous(api), List.of(leader(100, "api", 2)), Map.of(), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.Keep(api));
        assertThat(p.strays()).containsExactly(COOKIES.of("api", 2));
    }

    @Test
    void aServiceThePredecessorNeverRecordedStartsAfresh() {
        ServiceStatus api = recorded("api", ServiceState.READY, 1, Optional.of(100L));
        ResumePlan.LiveProcess wrapper = leader(100, "api", 1);

        ResumePlan p = plan(previous(api), List.of(wrapper), Map.of(), DB, API);

        assertThat(p.steps()).containsExactly(new ResumePlan.Start("db"), new ResumePlan.Adopt(api, wrapper, 1));
        assertThat(p.steps().get(0).previous()).isEmpty();
    }

    @Test
    void aSetsidGrandchildThatLeadsItsOwnGroupIsNotAdoptedWhenTheWrapperIsGone() {
        // sh -c 'setsid sleep 300 & exit 1': the wrapper (pid 100) wrote exit 1, the sleep leads its own group
        ServiceStatus api = recorded("api", ServiceState.READY, 1, Optional.of(100L));

        ResumePlan p = plan(previous(api), List.of(leader(150, "api", 1)), Map.of("api.1", 1), Map.of("api.1", 100L), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.RecordExit(api, 1, Optional.of(1)));
        assertThat(p.strays()).containsExactly(COOKIES.of("api", 1));
    }

    @Test
    void aProcessThatReusedTheWrappersPidWithAnotherStartTimeIsNotAdopted() {
        ServiceStatus api = recorded("api", ServiceState.READY, 2, Optional.of(100L));
        ResumePlan.LiveProcess reused = new ResumePlan.LiveProcess(100, COOKIES.of("api", 2), true, Optional.of(5L),
                Optional.of(T0));

        ResumePlan p = plan(previous(api), List.of(reused), Map.of(), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.RecordExit(api, 2, Optional.empty()));
    }

    @Test
    void aRunSpawnedAfterTheLastStateWriteThatEndedRecordsItsOwnExitNotTheRecordedRunsAgain() {
        // the predecessor recorded the exit of run 2 (BACKOFF), spawned run 3 (spawn record), and died; run 3 exited
        ServiceStatus api = recorded("api", ServiceState.BACKOFF, 2, Optional.empty());

        ResumePlan p = plan(previous(api), List.of(), Map.of("api.3", 1), Map.of("api.3", 300L), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.RecordExit(api, 3, Optional.of(1)));
    }

    @Test
    void aRunSpawnedAfterTheRecordedRunEndedUnrecordedCountsBothExits() {
        // the state still shows run 2 live; it exited 1, run 3 was spawned and lives as pid 300
        ServiceStatus api = recorded("api", ServiceState.READY, 2, Optional.of(200L));
        ResumePlan.LiveProcess run3 = leader(300, "api", 3);

        ResumePlan p = plan(previous(api), List.of(run3), Map.of("api.2", 1), Map.of("api.2", 200L, "api.3", 300L), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.Adopt(api, run3, 3,
                Optional.of(new ResumePlan.Unrecorded(2, Optional.of(1)))));
    }

    @Test
    void aSpawnRecordWithoutAPidStillTakesItsRunNumber() {
        // the predecessor died right after writing the spawn record of run 3: nothing of run 3 ever ran
        ServiceStatus api = recorded("api", ServiceState.BACKOFF, 2, Optional.empty());

        ResumePlan p = plan(previous(api), List.of(), Map.of(), Map.of("api.3", 0L), API);

        assertThat(p.steps()).containsExactly(new ResumePlan.RecordExit(api, 3, Optional.empty()));
    }
}
