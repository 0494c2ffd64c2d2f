package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' transitions, driven by hand: spawns, timers, probes and tree stops are recorded by fake effects
 * instead of happening, so no process runs and no test waits.
 */
class LifecycleTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ExitInfo.Recorded SEEN = ExitInfo.Recorded.PROCESS;

    @TempDir
    Path tmp;

    private final Effects effects = new Effects();
    private final List<SupervisorEvent> events = new ArrayList<>();
    private Instant now = T0;
    private Journal journal;

    private Lifecycle lifecycle(ServiceSpec... services) throws Exception {
        SupervisorSpec spec = SupervisorSpec.of(services);
        ControlDirectory dir = new ControlDirectory(tmp).create();
        journal = new Journal(dir, "sup", spec.services().stream().map(ServiceSpec::name).toList(), Optional.of(events::add));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new Lifecycle(dir, spec, new Cookies("sup"), journal, effects, clock);
    }

    @AfterEach
    void closeJournal() {
        if (journal != null) {
            journal.close();
        }
    }

    private ServiceStatus status(String service) {
        return journal.state().service(service).orElseThrow();
    }

    private List<SupervisorEvent> events(String service, SupervisorEvent.Type type) {
        return events.stream().filter(e -> e.type() == type && e.service().equals(Optional.of(service))).toList();
    }

    private static void spawned(Lifecycle l, String service, int run, long pid, Instant at) {
        l.spawned(service, run, pid, Optional.empty(), Optional.of(pid * 10), at, 0);
    }

    @Test
    void aDependentStartsOnceItsDependencyIsReady() throws Exception {
        Lifecycle l = lifecycle(ServiceSpec.shell("api", "serve").dependsOn("db").build(), ServiceSpec.shell("db", "db").build());

        l.startAll();

        assertThat(effects.spawned()).containsExactly("db 1 sup.db.1");
        assertThat(status("api").state()).isEqualTo(ServiceState.WAITING);
        assertThat(events("api", SupervisorEvent.Type.WAITING)).singleElement()
                .extracting(SupervisorEvent::message).isEqualTo("for db");

        spawned(l, "db", 1, 100, T0);

        assertThat(status("db").state()).isEqualTo(ServiceState.READY);
        assertThat(status("db").readyAt()).contains(T0);
        assertThat(effects.spawned()).containsExactly("db 1 sup.db.1", "api 1 sup.api.1");
    }

    @Test
    void aDependencyThatCannotStartFailsItsDependentsWithoutSpawningThem() throws Exception {
        Lifecycle l = lifecycle(ServiceSpec.shell("db", "db").build(), ServiceSpec.shell("api", "serve").dependsOn("db").build());
        l.startAll();

        l.spawnFailed("db", 1, "command 'db' not found on PATH /bin");

        assertThat(status("db").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status("db").message()).contains("cannot start: command 'db' not found on PATH /bin");
        assertThat(status("api").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status("api").message()).contains("dependency 'db' failed: cannot start: command 'db' not found on PATH /bin");
        assertThat(status("api").run()).isZero();
        assertThat(effects.spawned()).containsExactly("db 1 sup.db.1");
    }

    @Test
    void aCrashWithinTheBudgetRestartsAfterTheBackoffDelayAndTheNextOneGivesUp() throws Exception {
        Backoff backoff = new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1), Duration.ofSeconds(10));
        Lifecycle l = lifecycle(ServiceSpec.shell("crash", "exit 1").backoff(backoff).maxRestarts(1).build());
        l.startAll();
        spawned(l, "crash", 1, 100, T0);
        now = T0.plusMillis(50);

        l.exited("crash", 1, 1, SEEN);

        assertThat(status("crash").state()).isEqualTo(ServiceState.BACKOFF);
        assertThat(status("crash").restarts()).isEqualTo(1);
        assertThat(status("crash").lastExit()).contains(ExitInfo.of(1, 1, now, SEEN));
        assertThat(events("crash", SupervisorEvent.Type.RESTARTING)).singleElement()
                .extracting(SupervisorEvent::delayMs, SupervisorEvent::message)
                .containsExactly(Optional.of(200L), "in 200 ms (restart 1)");
        assertThat(effects.runsEnded).containsExactly("sup.crash.1");
        assertThat(effects.timers).singleElement().extracting(Timer::delay).isEqualTo(Duration.ofMillis(200));

        effects.timers.get(0).task().run();
        spawned(l, "crash", 2, 200, now);
        l.exited("crash", 2, 1, SEEN);

        assertThat(effects.spawned()).containsExactly("crash 1 sup.crash.1", "crash 2 sup.crash.2");
        assertThat(status("crash").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status("crash").message()).contains("gave up after 1 restarts within 1m, last exit 1");
        assertThat(effects.timers).hasSize(1);
    }

    @Test
    void anExitBeforeStartSecondsIsAFailedStartAndItsStaleStartTimerDoesNothing() throws Exception {
        Lifecycle l = lifecycle(ServiceSpec.shell("early", "exit 0").startSeconds(Duration.ofSeconds(1)).backoff(Backoff.NONE).build());
        l.startAll();
        spawned(l, "early", 1, 100, T0);
        Timer startTimer = effects.timers.get(0);
        assertThat(startTimer.delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(status("early").state()).isEqualTo(ServiceState.STARTING);

        l.exited("early", 1, 0, SEEN);
        startTimer.task().run();

        assertThat(startTimer.future().isCancelled()).isTrue();
        assertThat(effects.spawned()).containsExactly("early 1 sup.early.1", "early 2 sup.early.2");
        assertThat(status("early").state()).isEqualTo(ServiceState.STARTING);
        assertThat(status("early").run()).isEqualTo(2);
        assertThat(events("early", SupervisorEvent.Type.STARTED)).isEmpty();
    }

    @Test
    void aReadinessTimeoutFailsTheRunAndItsDependentsStopsItsTreeAndItsEndIsNotRestarted() throws Exception {
        Readiness port = Readiness.port(1).withInterval(Duration.ofMillis(100)).withTimeout(Duration.ofSeconds(1));
        Lifecycle l = lifecycle(ServiceSpec.shell("deaf", "sleep 60").ready(port).build(),
                ServiceSpec.shell("client", "sleep 60").dependsOn("deaf").build());
        l.startAll();
        spawned(l, "deaf", 1, 100, T0);
        assertThat(status("deaf").state()).isEqualTo(ServiceState.RUNNING);
        ReadinessCheck check = effects.probes.get(0);

        l.probed("deaf", 1, check, new ReadinessCheck.Outcome(ReadinessCheck.Result.PENDING, ""));
        l.probed("deaf", 1, check, new ReadinessCheck.Outcome(ReadinessCheck.Result.TIMED_OUT, "port localhost:1: refused"));
        l.exited("deaf", 1, 143, SEEN);

        assertThat(effects.probeDelays).containsExactly(Duration.ZERO, Duration.ofMillis(100));
        assertThat(status("deaf").state()).isEqualTo(ServiceState.FAILED);
        assertThat(status("deaf").message()).contains("not ready: port localhost:1: refused");
        assertThat(effects.treesStopped).containsExactly("deaf 100 sup.deaf.1");
        assertThat(status("client").message()).contains("dependency 'deaf' failed: not ready: port localhost:1: refused");
        assertThat(effects.spawned()).containsExactly("deaf 1 sup.deaf.1");
        assertThat(events("deaf", SupervisorEvent.Type.EXITED)).hasSize(1);
    }

    @Test
    void aResumeAdoptsTheLiveRunAndRecordsTheExitThatHappenedUnwatched() throws Exception {
        Lifecycle l = lifecycle(ServiceSpec.shell("api", "serve").build(), ServiceSpec.shell("db", "db").backoff(Backoff.NONE).build());
        ServiceStatus api = new ServiceStatus("api", ServiceState.READY, 2, Optional.of(100L), Optional.of(1000L),
                Optional.of("sup.api.2"), 1, List.of(T0), 1, Optional.of(T0), Optional.of(T0), Optional.empty(), Optional.empty(), 0, null, null, null);
        ServiceStatus db = new ServiceStatus("db", ServiceState.RUNNING, 5, Optional.of(200L), Optional.of(2000L),
                Optional.of("sup.db.5"), 4, List.of(), 0, Optional.of(T0), Optional.empty(), Optional.empty(), Optional.empty(), 0, null, null, null);
        ResumePlan.LiveProcess apiRun = new ResumePlan.LiveProcess(100, "sup.api.2", true, Optional.of(1000L), Optional.of(T0));
        ResumePlan plan = new ResumePlan(List.of(new ResumePlan.Adopt(api, apiRun, 2), new ResumePlan.RecordExit(db, 5,
                Optional.of(1))), Set.of("sup.api.1"));

        l.resume(new SupervisorState("sup", SupervisorState.Phase.RUNNING, 7, T0, T0, List.of(api, db), 0, List.of()), plan);

        assertThat(status("api").state()).isEqualTo(ServiceState.READY);
        assertThat(status("api").pid()).contains(100L);
        assertThat(status("api").restarts()).isEqualTo(1);
        assertThat(effects.watched).containsExactly("api 2 100");
        assertThat(effects.probes).as("a run that was ready stays ready").isEmpty();
        assertThat(events("db", SupervisorEvent.Type.EXITED)).singleElement().extracting(SupervisorEvent::message)
                .isEqualTo("exit 1 (while no supervisor watched)");
        assertThat(status("db").lastExit().orElseThrow().recorded()).isEqualTo("exit-file");
        assertThat(status("db").restarts()).isEqualTo(5);
        assertThat(effects.spawned()).containsExactly("db 6 sup.db.6");
        assertThat(effects.runsEnded).containsExactly("sup.api.1", "sup.db.5");
    }

    @Test
    void theStopTakesLiveRunsDependentsFirstAndEndsEveryOtherService() throws Exception {
        Lifecycle l = lifecycle(ServiceSpec.shell("db", "db").build(), ServiceSpec.shell("api", "serve").dependsOn("db").build(),
                ServiceSpec.shell("mock", "mock").build(), ServiceSpec.shell("slow", "slow").build());
        l.startAll();
        spawned(l, "db", 1, 100, T0);
        spawned(l, "api", 1, 200, T0);
        spawned(l, "mock", 1, 300, T0);

        List<List<StopPlan.Target>> levels = l.beginStop();

        assertThat(levels).extracting(level -> level.stream().map(t -> t.spec().name() + " " + t.pid()).toList())
                .containsExactly(List.of("api 200"), List.of("db 100", "mock 300"));
        assertThat(status("slow").state()).as("queued, never spawned").isEqualTo(ServiceState.STOPPED);
        assertThat(status("db").state()).isEqualTo(ServiceState.STOPPING);
        assertThat(l.wanted("slow")).isFalse();

        l.stopped(levels.get(0).get(0), new ProcessTree.StopResult(1, 0));
        l.stopped(levels.get(1).get(0), new ProcessTree.StopResult(2, 1));
        l.endStop();

        assertThat(events("api", SupervisorEvent.Type.STOPPED)).singleElement().extracting(SupervisorEvent::message)
                .isEqualTo("stopped by TERM");
        assertThat(events("db", SupervisorEvent.Type.STOPPED)).singleElement().extracting(SupervisorEvent::message)
                .isEqualTo("1 process(es) needed KILL");
        assertThat(journal.state().services()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ServiceState.STOPPED));
    }

    /** A timer the lifecycle asked for: it runs only when a test runs its task. */
    record Timer(Duration delay, Runnable task, CompletableFuture<Void> future) {
    }

    @Test
    void aRestartDecidedInAdvanceIsArmedAtEachSpawnAndTakenByTheNextSpawnRequest() throws Exception {
        Lifecycle l = lifecycle(ServiceSpec.shell("loop", "exit 1").restart(RestartPolicy.ON_FAILURE)
                .successExitCodes(Set.of(0, 3)).backoff(Backoff.NONE).maxRestarts(2).build());
        l.startAll();

        spawned(l, "loop", 1, 100, T0);
        assertThat(effects.armed).containsExactly("loop 2 sup.loop.2 after 100 skip [0, 3, 126, 127]");

        l.exited("loop", 1, 1, SEEN);
        assertThat(effects.spawned()).as("the armed run is asked for as any other")
                .containsExactly("loop 1 sup.loop.1", "loop 2 sup.loop.2");
        assertThat(effects.disarmed).isEmpty();

        spawned(l, "loop", 2, 200, T0);
        l.exited("loop", 2, 1, SEEN);
        spawned(l, "loop", 3, 300, T0);
        assertThat(effects.armed).as("the budget (2 restarts) has no room for a third: not armed")
                .hasSize(2).last().asString().startsWith("loop 3 ");
    }

    @Test
    void onlyARestartThatNeedsNoDecisionIsArmed() throws Exception {
        Lifecycle l = lifecycle(
                ServiceSpec.shell("backoff", "x").restart(RestartPolicy.ALWAYS).build(), // default backoff 100 ms
                ServiceSpec.shell("never", "x").restart(RestartPolicy.NEVER).backoff(Backoff.NONE).build(),
                ServiceSpec.shell("logready", "x").restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE)
                        .ready(Readiness.log("listening")).build(),
                ServiceSpec.shell("always", "x").restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).maxRestarts(-1).build());
        l.startAll();
        spawned(l, "backoff", 1, 100, T0);
        spawned(l, "never", 1, 101, T0);
        spawned(l, "logready", 1, 102, T0);
        spawned(l, "always", 1, 103, T0);

        assertThat(effects.armed).containsExactly("always 2 sup.always.2 after 103 skip [126, 127]");
    }

    @Test
    void whatIsArmedIsWithdrawnWhenTheExitIsNotRestartedAtOnceAndWhenTheStopBegins() throws Exception {
        Lifecycle l = lifecycle(ServiceSpec.shell("a", "x").restart(RestartPolicy.ON_FAILURE).backoff(Backoff.NONE).build(),
                ServiceSpec.shell("b", "x").restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).build());
        l.startAll();
        spawned(l, "a", 1, 100, T0);
        spawned(l, "b", 1, 200, T0);

        l.exited("a", 1, 0, SEEN); // success: on-failure does not restart it
        assertThat(effects.disarmed).containsExactly("a");
        assertThat(effects.spawned()).doesNotContain("a 2 sup.a.2");

        l.beginStop();
        assertThat(effects.disarmed).contains("b");
    }

    /** Records what the lifecycle asks for instead of doing it. */
    private static final class Effects implements Lifecycle.Effects {
        final List<String> armed = new ArrayList<>();
        final List<String> disarmed = new ArrayList<>();
        final List<Spawner.Request> spawns = new ArrayList<>();
        final List<Timer> timers = new ArrayList<>();
        final List<ReadinessCheck> probes = new ArrayList<>();
        final List<Duration> probeDelays = new ArrayList<>();
        final List<String> treesStopped = new ArrayList<>();
        final List<String> watched = new ArrayList<>();
        final List<String> runsEnded = new ArrayList<>();

        List<String> spawned() {
            return spawns.stream().map(r -> r.spec().name() + " " + r.run() + " " + r.cookie()).toList();
        }

        @Override
        public boolean closing() {
            return false;
        }

        @Override
        public boolean spawn(Spawner.Request request) {
            spawns.add(request);
            return true;
        }

        @Override
        public Future<?> after(Duration delay, Runnable task) {
            Timer t = new Timer(delay, task, new CompletableFuture<>());
            timers.add(t);
            return t.future();
        }

        @Override
        public Future<?> probe(String service, int run, ReadinessCheck check, Duration delay) {
            probes.add(check);
            probeDelays.add(delay);
            return new CompletableFuture<>();
        }

        @Override
        public void stopTree(ServiceSpec spec, long pid, String cookie, Optional<Process> child) {
            treesStopped.add(spec.name() + " " + pid + " " + cookie);
        }

        @Override
        public void watch(String service, int run, long pid) {
            watched.add(service + " " + run + " " + pid);
        }

        @Override
        public void runEnded(String cookie) {
            runsEnded.add(cookie);
        }

        @Override
        public void arm(Spawner.Request next, long afterPid, Set<Integer> skip) {
            armed.add(next.spec().name() + " " + next.run() + " " + next.cookie() + " after " + afterPid + " skip " + skip);
        }

        @Override
        public void disarm(String service) {
            disarmed.add(service);
        }
    }
}
