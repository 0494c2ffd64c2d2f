package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a supervisor writes to its control directory: events, state, problems, exit-file removal. */
class JournalTest {

    @TempDir
    Path tmp;

    private ControlDirectory dir() throws Exception {
        return new ControlDirectory(tmp).create();
    }

    private static ServiceStatus status(String name, ServiceState state) {
        return new ServiceStatus(name, state, 2, Optional.of(42L), null, Optional.of("sup." + name + ".2"), 0, List.of(), 0,
                null, null, null, null, 0, null, null, null);
    }

    private Journal journal(ControlDirectory dir, Consumer<SupervisorEvent> listener) {
        return new Journal(dir, "sup", List.of("db", "api"), Optional.of(listener));
    }

    @Test
    void anEventsHandWrittenLineIsTheJsonJacksonWrites() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            every.append(c);
        }
        java.time.Instant t = java.time.Instant.parse("2026-12-02T13:03:10.568284834Z");
        List<SupervisorEvent> events = List.of(
                new SupervisorEvent(1, t, SupervisorEvent.Type.SUPERVISOR_STARTED, Optional.empty(), 0, Optional.empty(),
                        Optional.empty(), Optional.empty(), "pid 1, 2 services"),
                new SupervisorEvent(Long.MAX_VALUE, t.plusNanos(1), SupervisorEvent.Type.EXITED, Optional.of("db \"main\""), 7,
                        Optional.of(123456L), Optional.of(-1), Optional.empty(), "exit 255 \\ \n\t\r\b\f\u0000\u001f\u007f"),
                new SupervisorEvent(3, java.time.Instant.EPOCH, SupervisorEvent.Type.RESTARTING, Optional.of("\u00e9\u4e2d\ud83d\ude00"), 2,
                        Optional.empty(), Optional.empty(), Optional.of(0L), every.toString()),
                new SupervisorEvent(4, t, SupervisorEvent.Type.READY, Optional.of("api"), 1, Optional.of(5L), Optional.empty(),
                        Optional.of(Long.MIN_VALUE), ""));
        for (SupervisorEvent e : events) {
            assertThat(e.jsonLine()).isEqualTo(Json.write(e)).doesNotContain("\n");
            assertThat(Json.read(e.jsonLine(), SupervisorEvent.class)).isEqualTo(e);
        }
    }

    @Test
    void anEventIsOneJsonLineAndPublishesTheStatusItLeavesTheServiceIn() throws Exception {
        ControlDirectory dir = dir();
        List<SupervisorEvent> heard = new ArrayList<>();
        ServiceStatus api = status("api", ServiceState.READY);
        try (Journal j = journal(dir, heard::add)) {
            j.event(SupervisorEvent.Type.SUPERVISOR_STARTED, "pid 1, 1 services");
            j.event(api, SupervisorEvent.Type.READY, 42L, null, null, "port localhost:8080");
            j.flushEvents(Duration.ofSeconds(5));

            List<SupervisorEvent> written = Files.readAllLines(dir.file(ControlDirectory.EVENTS)).stream()
                    .map(l -> Json.read(l, SupervisorEvent.class)).toList();
            assertThat(written).isEqualTo(heard);
            assertThat(written).extracting(SupervisorEvent::seq).containsExactly(1L, 2L);
            assertThat(written.get(0).service()).isEmpty();
            assertThat(written.get(1)).extracting(SupervisorEvent::service, SupervisorEvent::run, SupervisorEvent::pid,
                    SupervisorEvent::message).containsExactly(Optional.of("api"), 2, Optional.of(42L), "port localhost:8080");
            assertThat(j.state().services()).containsExactly(api);
        }
    }

    @Test
    void theStateListsTheServicesInTheOrderGivenWhateverOrderTheyArePublishedIn() throws Exception {
        try (Journal j = journal(dir(), e -> { })) {
            j.publish(status("api", ServiceState.READY));
            j.publish(status("db", ServiceState.STARTING));
            j.publish(status("db", ServiceState.READY));

            SupervisorState st = j.state();

            assertThat(st.services()).extracting(ServiceStatus::name, ServiceStatus::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("db", ServiceState.READY),
                            org.assertj.core.groups.Tuple.tuple("api", ServiceState.READY));
            assertThat(st.supervisorId()).isEqualTo("sup");
            assertThat(st.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(st.phase()).isEqualTo(SupervisorState.Phase.RUNNING);
        }
    }

    @Test
    void problemsAreCappedSoThatAPersistentOneCannotGrowTheState() throws Exception {
        try (Journal j = journal(dir(), e -> { })) {
            for (int i = 0; i < 150; i++) {
                j.problem("cannot rotate: disk full " + i);
            }

            assertThat(j.state().problems()).hasSize(Journal.MAX_PROBLEMS).startsWith("cannot rotate: disk full 0");
        }
    }

    @Test
    void aFailingListenerIsAProblemNotAFailure() throws Exception {
        try (Journal j = journal(dir(), e -> {
            throw new IllegalStateException("listener broke");
        })) {
            j.event(SupervisorEvent.Type.SUPERVISOR_STARTED, "");

            assertThat(j.state().problems()).singleElement().asString().contains("event listener failed").contains("listener broke");
        }
    }

    @Test
    void flushWritesTheStateOnlyWhenSomethingChangedAndThenRemovesTheExitFilesItHolds() throws Exception {
        ControlDirectory dir = dir();
        Path state = dir.file(ControlDirectory.STATE);
        try (Journal j = journal(dir, e -> { })) {
            j.flush();
            assertThat(state).exists();
            Files.delete(state);

            j.flush();
            assertThat(state).as("nothing changed").doesNotExist();

            Files.writeString(dir.exitFile("api", 1), "1\n");
            j.exitRecorded("api", 1);
            j.flush();
            assertThat(state).exists();
            assertThat(dir.exitFile("api", 1)).doesNotExist();
            Files.delete(state);

            j.phase(SupervisorState.Phase.STOPPING);
            j.flush();
            assertThat(dir.readJson(ControlDirectory.STATE, SupervisorState.class)).get()
                    .extracting(SupervisorState::phase).isEqualTo(SupervisorState.Phase.STOPPING);
        }
    }

    @Test
    void aLostStateIsRebuiltFromTheEventsSinceTheLastFreshStartAndTheRunRecords() throws Exception {
        ControlDirectory dir = dir();
        ServiceSpec api = ServiceSpec.shell("api", "sleep 60").build();
        ServiceSpec db = ServiceSpec.shell("db", "sleep 60").build();
        ServiceSpec once = ServiceSpec.shell("once", "true").build();
        ServiceSpec bad = ServiceSpec.shell("bad", "exit 1").build();
        ServiceStatus api1 = status("api", ServiceState.READY);
        try (Journal j = journal(dir, e -> { })) {
            j.event(SupervisorEvent.Type.SUPERVISOR_STARTED, "an earlier supervisor");
            j.event(status("db", ServiceState.FAILED), SupervisorEvent.Type.GAVE_UP, null, null, null, "of another supervisor");
            j.event(SupervisorEvent.Type.SUPERVISOR_STARTED, "this one");
            j.event(api1, SupervisorEvent.Type.EXITED, null, 1, null, "exit 1");
            j.event(api1, SupervisorEvent.Type.RESTARTING, null, null, 100L, "in 100 ms");
            j.event(status("once", ServiceState.RUNNING), SupervisorEvent.Type.EXITED, null, 0, null, "exit 0");
            j.event(status("bad", ServiceState.FAILED), SupervisorEvent.Type.GAVE_UP, null, null, null, "limit");
            j.flushEvents(Duration.ofSeconds(5));
        }
        Files.writeString(dir.file(ControlDirectory.EVENTS), "{\"torn\n", java.nio.file.StandardOpenOption.APPEND);
        dir.recordSpawn("api", 3); // spawned after the last event

        SupervisorState rebuilt = Journal.rebuild(dir, SupervisorSpec.of(List.of(api, db, once, bad)), "sup", 7);

        assertThat(rebuilt.supervisorId()).isEqualTo("sup");
        assertThat(rebuilt.pid()).isEqualTo(7);
        assertThat(rebuilt.service("api").orElseThrow()).satisfies(s -> {
            assertThat(s.state()).as("run 3 started after the last event").isEqualTo(ServiceState.STARTING);
            assertThat(s.run()).isEqualTo(3);
            assertThat(s.restarts()).isEqualTo(1);
            assertThat(s.cookie()).contains("sup.api.3");
            assertThat(s.lastExit()).get().extracting(ExitInfo::code).isEqualTo(1);
        });
        assertThat(rebuilt.service("db").orElseThrow().state()).as("the earlier supervisor's end is not this one's")
                .isEqualTo(ServiceState.WAITING);
        assertThat(rebuilt.service("once").orElseThrow().state()).isEqualTo(ServiceState.EXITED);
        assertThat(rebuilt.service("bad").orElseThrow().state()).isEqualTo(ServiceState.FAILED);
        assertThat(rebuilt.service("bad").orElseThrow().message()).contains("limit");
    }
}
