package io.jenkins.plugins.selftest.steps;

import static io.jenkins.plugins.selftest.fakes.ServiceStates.failed;
import static io.jenkins.plugins.selftest.fakes.ServiceStates.state;
import static io.jenkins.plugins.selftest.fakes.ServiceStates.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.actions.SupervisedServicesAction;
import io.jenkins.plugins.selftest.agent.PollResult;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient.LogChunk;
import io.jenkins.plugins.selftest.fakes.FakeContext;
import io.jenkins.plugins.selftest.fakes.FakeListener;
import io.jenkins.plugins.selftest.fakes.FakeRun;
import io.jenkins.plugins.selftest.fakes.FakeServiceAgent;
import io.jenkins.plugins.selftest.fakes.FakeWiring;
import io.jenkins.plugins.selftest.fakes.ManualScheduler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The execution's state machine against fakes of the context, the build and the agent side. */
class SupervisedServiceExecutionTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeListener listener = new FakeListener();
    private FakeRun run;
    private FakeContext context;
    private final FakeServiceAgent access = new FakeServiceAgent();

    @BeforeEach
    void setUp() throws Exception {
        run = new FakeRun();
        context = new FakeContext().with(TaskListener.class, listener).with(Run.class, run)
                .with(EnvVars.class, new EnvVars());
    }

    private SupervisedServiceStep.Execution start(SupervisedServiceStep step) throws Exception {
        SupervisedServiceStep.Execution e = new SupervisedServiceStep.Execution(step, context,
                new FakeWiring(access, scheduler));
        assertThat(e.start()).isFalse();
        return e;
    }

    private static SupervisedServiceStep api() {
        SupervisedServiceStep step = new SupervisedServiceStep();
        step.setName("api");
        step.setCommand("java -jar app.jar");
        return step;
    }

    @Test
    void bodyStartsOnlyOnceEveryServiceIsReadyAndServiceOutputIsPrefixed() throws Exception {
        SupervisedServiceStep.Execution e = start(api());
        assertThat(access.launchedSpec).contains("\"api\"");
        access.polls.add(poll(List.of("booting"), 7, status("api", ServiceState.RUNNING)));
        access.polls.add(poll(List.of(), 7, status("api", ServiceState.READY)));

        scheduler.runNext();
        assertThat(context.body).as("not ready yet").isNull();
        scheduler.runNext();

        assertThat(context.body).isNotNull();
        assertThat(e.phase()).isEqualTo(SupervisedServiceStep.Execution.Phase.BODY);
        assertThat(listener.text()).contains("[api] booting").contains("supervisedService: ready: api");
        assertThat(run.getAction(SupervisedServicesAction.class).getServices()).singleElement()
                .satisfies(r -> assertThat(r.getState()).isEqualTo("ready"));
    }

    @Test
    void pollingBacksOffWhileNothingMovesAndSnapsBackWhenALogMoves() throws Exception {
        start(api());
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        for (int i = 0; i < 40; i++) {
            access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        }
        access.polls.add(poll(List.of("hello"), 6, status("api", ServiceState.READY)));
        for (int i = 0; i < 42; i++) {
            scheduler.runNext();
        }
        List<Long> d = scheduler.delaysMillis;
        assertThat(d.get(0)).isEqualTo(250);
        assertThat(d).contains(300L, 360L).contains(15_000L).allMatch(x -> x <= 15_000);
        assertThat(d.get(d.size() - 1)).as("a moving log polls fast again").isEqualTo(250);
    }

    @Test
    void serviceFailingBeforeReadyFailsTheStepWithoutRunningTheBody() throws Exception {
        start(api());
        access.polls.add(poll(List.of("Exception: port in use"), 22,
                failed("api", "restart limit reached (5 in 60s)", 3)));

        scheduler.runNext();

        assertThat(context.body).isNull();
        assertThatThrownBy(context::await).isInstanceOf(AbortException.class)
                .hasMessageContaining("service 'api' failed before the block started")
                .hasMessageContaining("restart limit reached").hasMessageContaining("its last run ended with exit 3");
        assertThat(access.stopped).isTrue();
        assertThat(listener.text()).contains("[api] Exception: port in use");
    }

    @Test
    void giveUpDuringTheBodyAbortsItByDefault() throws Exception {
        giveUpDuringTheBody(api());

        assertThat(context.body.cancelledWith).hasMessageContaining("service 'api' gave up");
        assertThatThrownBy(context::await).hasMessageContaining("gave up");
        assertThat(access.stopped).isTrue();
    }

    @Test
    void giveUpWithUnstableMarksTheBuildAndLetsTheBodyGoOn() throws Exception {
        SupervisedServiceStep step = api();
        step.setOnGiveUp("unstable");
        giveUpDuringTheBody(step);
        scheduler.runNext(); // the next poll finds the service still failed

        assertThat(run.result).isEqualTo(Result.UNSTABLE);
        assertThat(context.body.cancelledWith).isNull();
        assertThat(listener.text()).containsOnlyOnce("gave up");
        context.body.succeed("done");
        assertThat(context.await()).isEqualTo("done");
    }

    @Test
    void giveUpWithIgnoreOnlyLogsIt() throws Exception {
        SupervisedServiceStep step = api();
        step.setOnGiveUp("ignore");
        giveUpDuringTheBody(step);

        assertThat(listener.text()).contains("service 'api' gave up: restart limit reached; its last run ended with "
                + "exit 1; 5 restarts (onGiveUp: 'ignore')");
        assertThat(run.result).isNull();
        assertThat(context.body.cancelledWith).isNull();
    }

    @Test
    void logFileKeepsServiceOutputOutOfTheBuildLog() throws Exception {
        SupervisedServiceStep step = api();
        step.setLog("file");
        start(step);
        access.polls.add(poll(List.of("booting"), 8, status("api", ServiceState.READY)));
        scheduler.runNext();

        assertThat(context.body).isNotNull();
        assertThat(listener.text()).doesNotContain("[api]").contains("supervisedService: ready: api");
    }

    @Test
    void resumedDuringTheBodyPollsAgainAtOnce() throws Exception {
        SupervisedServiceStep.Execution e = start(api());
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        for (int i = 0; i < 5; i++) {
            scheduler.runNext();
        }
        assertThat(e.delayMillis()).as("backed off while nothing moved").isGreaterThan(250);

        e.onResume();

        assertThat(scheduler.delaysMillis).last().isEqualTo(250L);
        assertThat(e.getStatus()).isEqualTo("supervisedService body: resumed after a controller restart on the test agent");
    }

    @Test
    void resumedWhileLaunchingStopsWhatStartedAndFails() throws Exception {
        AtomicBoolean controllerUp = new AtomicBoolean();
        ManualScheduler restarting = new ManualScheduler() {
            @Override
            public void execute(Runnable command) {
                if (controllerUp.get()) {
                    super.execute(command); // work submitted while the controller was down is lost
                }
            }
        };
        SupervisedServiceStep.Execution e = new SupervisedServiceStep.Execution(api(), context,
                new FakeWiring(access, restarting));
        e.start();
        controllerUp.set(true);

        e.onResume();

        assertThatThrownBy(context::await).isInstanceOf(AbortException.class)
                .hasMessage("supervisedService: the controller restarted while the services were starting");
        assertThat(access.stopped).isTrue();
        assertThat(e.phase()).isEqualTo(SupervisedServiceStep.Execution.Phase.DONE);
    }

    @Test
    void bodyOutcomeIsKeptAfterTheServicesAreStopped() throws Exception {
        start(api());
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        scheduler.runNext();
        access.polls.add(poll(List.of("bye"), 4, status("api", ServiceState.STOPPED)));

        context.body.fail(new AbortException("mvn failed"));

        assertThatThrownBy(context::await).hasMessage("mvn failed");
        assertThat(access.stopped).isTrue();
        assertThat(access.archived).containsExactly("api");
        assertThat(listener.text()).contains("[api] bye").contains("supervisedService: stopped api (stopped");
    }

    @Test
    void buildEnvironmentReachesTheDaemonInMemoryButNotTheSpec() throws Exception {
        EnvVars env = new EnvVars();
        env.put("DB_PASSWORD", "hunter2-secret");
        env.put("PATH", "/opt/tool/bin:/usr/bin");
        context.with(EnvVars.class, env);
        SupervisedServiceStep step = api();
        step.setEnv(List.of("PORT=8080"));

        start(step);

        assertThat(access.launchedSpec).as("spec.json: only the declared env").contains("\"PORT\"")
                .doesNotContain("hunter2-secret").doesNotContain("DB_PASSWORD").doesNotContain("/opt/tool/bin");
        assertThat(access.launchedEnvironment).containsEntry("DB_PASSWORD", "hunter2-secret")
                .containsEntry("PATH", "/opt/tool/bin:/usr/bin");
    }

    @Test
    void controlDirectoryIsRemovedOnceTheLogsAreArchived() throws Exception {
        start(api());
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        scheduler.runNext();
        assertThat(access.removed).as("not while the body runs").isFalse();

        context.body.succeed("done");

        assertThat(context.await()).isEqualTo("done");
        assertThat(access.archived).containsExactly("api");
        assertThat(access.removed).isTrue();
    }

    @Test
    void controlDirectoryOfASupervisorThatHasNotStoppedIsKept() throws Exception {
        start(api());
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        scheduler.runNext();
        access.daemonStops = false;

        context.body.succeed("done");

        assertThat(context.await()).isEqualTo("done");
        assertThat(access.archived).containsExactly("api");
        assertThat(access.removed).isFalse();
        assertThat(listener.text()).contains("supervisedService: the supervisor on the test agent has not stopped yet"
                + " (it acts on the stop request); its control directory is kept");
    }

    @Test
    void movedOffsetsAreSavedAtOnceThenAtMostEveryFiveSecondsOfPolling() throws Exception {
        start(api());
        access.polls.add(poll(List.of("a"), 2, status("api", ServiceState.READY)));
        scheduler.runNext();
        assertThat(context.saves).as("the first move").hasValue(1);

        for (int i = 1; i <= 19; i++) { // 19 more moves, 250 ms apart: 4.75 s
            access.polls.add(poll(List.of("b"), 2 + 2L * i, status("api", ServiceState.READY)));
            scheduler.runNext();
        }
        assertThat(context.saves).as("not more often than every 5 s").hasValue(1);
        access.polls.add(poll(List.of("c"), 42, status("api", ServiceState.READY)));
        scheduler.runNext();
        assertThat(context.saves).as("5 s after the last save").hasValue(2);

        for (int i = 0; i < 40; i++) { // nothing moves: nothing to save
            scheduler.runNext();
        }
        assertThat(context.saves).hasValue(2);
    }

    @Test
    void executionRestoredFromItsLastSaveStreamsOnWithoutRepeatingLines() throws Exception {
        SupervisedServiceStep.Execution e = start(api());
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        scheduler.runNext();
        byte[][] saved = {serialize(e)}; // what Pipeline keeps of the step once its body started
        context.onSave = () -> saved[0] = serialize(e);
        access.polls.add(poll(List.of("first line", "second line"), 24, status("api", ServiceState.READY)));
        scheduler.runNext();
        assertThat(listener.text()).contains("[api] second line");

        // the controller restarts: the execution as last saved, a new scheduler and log, the agent found again
        ManualScheduler afterRestart = new ManualScheduler();
        FakeListener after = new FakeListener();
        FakeContext restarted = new FakeContext().with(TaskListener.class, after).with(Run.class, run)
                .with(EnvVars.class, new EnvVars());
        SupervisedServiceStep.Execution back = deserialize(saved[0], restarted, afterRestart);
        access.polls.add(poll(List.of("third line"), 35, status("api", ServiceState.READY)));
        back.onResume();
        afterRestart.runNext();

        assertThat(access.polledOffsets).as("polled from the saved offset").containsExactly(24);
        assertThat(after.text()).contains("[api] third line").doesNotContain("first line").doesNotContain("second line");
    }

    @Test
    void staleHeartbeatStartsAReplacementSupervisor() throws Exception {
        start(api());
        access.polls.add(new PollResult(Optional.of(state(status("api", ServiceState.READY))), List.of(chunk(List.of(), 0)),
                true, 20_000));
        scheduler.runNext();
        assertThat(access.resumed).isEqualTo(1);
        assertThat(listener.text()).contains("heartbeat 20 s old").contains("--resume");
    }

    @Test
    void replacementSupervisorGetsTheBuildEnvironmentFromTheContextAgain() throws Exception {
        EnvVars env = new EnvVars();
        env.put("DB_PASSWORD", "hunter2-secret");
        context.with(EnvVars.class, env);
        start(api());
        access.polls.add(new PollResult(Optional.of(state(status("api", ServiceState.READY))), List.of(chunk(List.of(), 0)),
                true, 20_000));
        scheduler.runNext();

        assertThat(access.resumedEnvironment).containsEntry("DB_PASSWORD", "hunter2-secret");
        assertThat(listener.text()).doesNotContain("not available");
    }

    @Test
    void replacementSupervisorWithoutTheBuildEnvironmentSaysSo() throws Exception {
        start(api());
        context.with(EnvVars.class, null); // a context that can no longer give the build's environment
        access.polls.add(new PollResult(Optional.of(state(status("api", ServiceState.READY))), List.of(chunk(List.of(), 0)),
                true, 20_000));
        scheduler.runNext();

        assertThat(access.resumedEnvironment).isEmpty();
        assertThat(listener.text()).contains("started a new one with --resume; the build's environment is not available"
                + " here, so services it starts anew see only their env: and the agent's");
    }

    @Test
    void stopWorksWhenTheAgentIsGone() throws Exception {
        SupervisedServiceStep.Execution e = start(api());
        access.connected = false;
        e.stop(new InterruptedException("aborted by user"));
        assertThatThrownBy(context::await).isInstanceOf(InterruptedException.class);
        assertThat(listener.text()).contains("is not connected");
        assertThat(e.phase()).isEqualTo(SupervisedServiceStep.Execution.Phase.DONE);
    }

    @Test
    void launchFailureNamesTheMachine() throws Exception {
        access.launchFailure = new java.io.IOException("java not found");
        start(api());
        assertThatThrownBy(context::await).isInstanceOf(AbortException.class)
                .hasMessage("supervisedService: cannot start the supervisor on the test agent: java not found");
    }

    @Test
    void directoryOutsideTheWorkspaceIsRefusedBeforeAnythingStarts() {
        SupervisedServiceStep step = api();
        step.setDir("../../etc");
        assertThatThrownBy(() -> start(step)).isInstanceOf(AbortException.class)
                .hasMessageContaining("dir: '../../etc' is outside the workspace");
        assertThat(access.launchedSpec).isNull();
    }

    @Test
    void badDurationNamesTheFieldOfTheSingleServiceShape() {
        SupervisedServiceStep step = api();
        step.setStopTimeout("soon");
        assertThatThrownBy(() -> start(step)).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("supervisedService: stopTimeout");
    }

    // --- fixtures ---

    /** The execution as the Pipeline writes it; its context, wiring and agent kept out (none is serializable). */
    private byte[] serialize(SupervisedServiceStep.Execution e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
            {
                enableReplaceObject(true);
            }

            @Override
            protected Object replaceObject(Object o) {
                return o instanceof StepContext ? Kept.CONTEXT : o instanceof SupervisedServiceStep.Wiring ? Kept.WIRING
                        : o == access ? Kept.AGENT : o;
            }
        }) {
            out.writeObject(e);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return bytes.toByteArray();
    }

    /** The execution read back after a controller restart, with context {@code after} and its scheduler. */
    private SupervisedServiceStep.Execution deserialize(byte[] bytes, StepContext after, ManualScheduler afterScheduler)
            throws Exception {
        FakeWiring wiring = new FakeWiring(access, afterScheduler);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            {
                enableResolveObject(true);
            }

            @Override
            protected Object resolveObject(Object o) {
                return o == Kept.CONTEXT ? after : o == Kept.WIRING ? wiring : o == Kept.AGENT ? access : o;
            }
        }) {
            return (SupervisedServiceStep.Execution) in.readObject();
        }
    }

    /** What {@link #serialize} keeps out of the bytes. */
    private enum Kept { CONTEXT, WIRING, AGENT }

    /** Starts {@code step}, lets its body start, then polls the service failed (restart limit reached, exit 1). */
    private void giveUpDuringTheBody(SupervisedServiceStep step) throws Exception {
        start(step);
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        access.polls.add(poll(List.of(), 0, failed("api", "restart limit reached", 1)));
        scheduler.runNext();
        scheduler.runNext();
    }

    @Test
    void bodySeesWhereEachServiceIsThroughServiceVariablesAndTheLogAndStatusSayIt() throws Exception {
        ServiceDefinition db = new ServiceDefinition();
        db.setName("db");
        db.setImage("localhost/postgres:16");
        db.setPorts(List.of("5432, 6379"));
        ServiceDefinition api = new ServiceDefinition();
        api.setName("mock-api");
        api.setCommand("exec python3 -m http.server $PORT");
        api.setPort("auto");
        api.setDependsOn(List.of("db"));
        SupervisedServiceStep step = new SupervisedServiceStep();
        step.setServices(List.of(db, api));
        SupervisedServiceStep.Execution e = start(step);
        assertThat(access.launchedSpec).contains("localhost/postgres:16", "\"ports\":[\"5432\",\"6379\"]", "\"port\":0");
        Map<String, Integer> dbPorts = new LinkedHashMap<>();
        dbPorts.put("5432", 41234);
        dbPorts.put("6379", 41240);
        access.polls.add(new PollResult(Optional.of(state(
                reachable(status("db", ServiceState.READY), dbPorts, "selftest-sup-db"),
                reachable(status("mock-api", ServiceState.READY), Map.of("PORT", 41250), null))),
                List.of(chunk(List.of(), 0), chunk(List.of(), 0)), false, 500));

        scheduler.runNext();

        assertThat(context.body).isNotNull();
        EnvVars env = new EnvVars();
        assertThat(context.bodyContexts).singleElement().isInstanceOf(SupervisedServiceStep.EndpointVariables.class);
        ((SupervisedServiceStep.EndpointVariables) context.bodyContexts.get(0)).expand(env);
        assertThat(env).containsEntry("SERVICE_DB_HOST", "127.0.0.1").containsEntry("SERVICE_DB_PORT", "41234")
                .containsEntry("SERVICE_DB_PORT_5432", "41234").containsEntry("SERVICE_DB_PORT_6379", "41240")
                .containsEntry("SERVICE_MOCK_API_HOST", "127.0.0.1").containsEntry("SERVICE_MOCK_API_PORT", "41250")
                .doesNotContainKey("SERVICE_MOCK_API_PORT_PORT");
        assertThat(listener.text()).contains("supervisedService: ready: db at 127.0.0.1 (5432 on 41234, 6379 on 41240),"
                + " mock-api at 127.0.0.1:41250");
        assertThat(e.getStatus()).contains("db ready at 127.0.0.1 (5432 on 41234, 6379 on 41240)",
                "mock-api ready at 127.0.0.1:41250");
        assertThat(run.getAction(SupervisedServicesAction.class).getServices()).first().satisfies(r -> {
            assertThat(r.getHost()).isEqualTo("127.0.0.1");
            assertThat(r.getPorts()).containsExactly(Map.entry("5432", 41234), Map.entry("6379", 41240));
            assertThat(r.getContainer()).isEqualTo("selftest-sup-db");
        });
    }

    @Test
    void bodyOfServicesWithoutPortsGetsNoServiceVariables() throws Exception {
        start(api());
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        scheduler.runNext();
        EnvVars env = new EnvVars();
        ((SupervisedServiceStep.EndpointVariables) context.bodyContexts.get(0)).expand(env);
        assertThat(env).isEmpty();
        assertThat(listener.text()).contains("supervisedService: ready: api\n");
    }

    @Test
    void servicesTableFollowsARestartWhileTheBodyRuns() throws Exception {
        start(api());
        access.polls.add(poll(List.of(), 0, status("api", ServiceState.READY)));
        ServiceStatus ready = status("api", ServiceState.READY);
        ServiceStatus restarted = new ServiceStatus("api", ServiceState.READY, 2, ready.pid(), ready.startTicks(),
                ready.cookie(), 1, ready.recentRestarts(), 0, ready.startedAt(), ready.readyAt(), ready.lastExit(),
                ready.message(), 0, Optional.empty(), Map.of(), Optional.empty());
        access.polls.add(poll(List.of(), 0, restarted));
        scheduler.runNext();
        assertThat(run.getAction(SupervisedServicesAction.class).getServices().get(0).getRestarts()).isZero();

        scheduler.runNext();

        assertThat(run.getAction(SupervisedServicesAction.class).getServices()).singleElement()
                .satisfies(r -> assertThat(r.getRestarts()).isEqualTo(1));
    }

    /** {@code s} with an allocated host port per key, reached at 127.0.0.1, in {@code container} if not null. */
    private static ServiceStatus reachable(ServiceStatus s, Map<String, Integer> ports, String container) {
        return new ServiceStatus(s.name(), s.state(), s.run(), s.pid(), s.startTicks(), s.cookie(), s.restarts(),
                s.recentRestarts(), s.consecutiveFailures(), s.startedAt(), s.readyAt(), s.lastExit(), s.message(),
                s.logBytesDropped(), Optional.of("127.0.0.1"), ports, Optional.ofNullable(container));
    }

    private static PollResult poll(List<String> lines, long offset, ServiceStatus... services) {
        return new PollResult(Optional.of(state(services)), List.of(chunk(lines, offset)), false, 500);
    }

    private static LogChunk chunk(List<String> lines, long nextOffset) {
        String text = lines.stream().map(l -> l + "\n").reduce("", String::concat);
        return new LogChunk(text.getBytes(StandardCharsets.UTF_8), nextOffset, false);
    }
}
