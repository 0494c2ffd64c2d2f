package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.actions.SupervisedServicesAction;
import io.jenkins.plugins.selftest.agent.PollResult;
import io.jenkins.plugins.selftest.agent.RemoteSupervisorAccess;
import io.jenkins.plugins.selftest.agent.SupervisorAccess;
import io.jenkins.plugins.selftest.agent.SupervisorRegistry;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.supervisor.Readiness;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceSpec;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Runs {@code supervisedService}: starts a supervisor daemon on the agent, waits for readiness, runs the body, and
 * stops every service when the body ends, however it ends.
 *
 * <p>Durable in the manner of durable-task: the services run under a detached daemon that owns a control directory
 * on the agent; this execution persists only how to reach that directory ({@link SupervisorAccess}: node name and
 * path), the service names, the log offsets and its phase, and only reads that directory and writes the stop request.
 * After a controller restart {@link #onResume} polls again; a daemon whose heartbeat went stale is replaced with
 * {@code --resume}. Polling starts at 250 ms and backs off by 1.2 to 15 s while no log moves. Remote work runs on
 * {@link Timer}, never on the CPS thread; {@link #stop} works when the agent is gone.
 *
 * <p>Serialized with the Pipeline program; transient fields are rebuilt on resume.
 */
public final class SupervisedServiceExecution extends StepExecution {

    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(SupervisedServiceExecution.class.getName());

    static final long MIN_DELAY_MILLIS = 250;
    static final long MAX_DELAY_MILLIS = 15_000;
    static final double DELAY_FACTOR = 1.2;

    /** The scheduler for polls and remote work; Jenkins' {@link Timer} unless a test replaces it. */
    static Supplier<ScheduledExecutorService> scheduler = Timer::get;

    /** Where the execution is; persisted. */
    enum Phase { LAUNCHING, STARTING, BODY, STOPPING, DONE }

    /** The same context the superclass keeps; ours too, so that unit tests over the API stand-in can reach it. */
    private final StepContext context;
    private final transient SupervisedServiceStep step;
    private transient String workspace;
    private SupervisorAccess access;
    private List<String> services = List.of();
    private long[] offsets = new long[0];
    private long readyDeadlineMillis;
    private long stopWaitMillis;
    private final String onGiveUp;
    private final String logMode;
    private volatile Phase phase = Phase.LAUNCHING;
    private BodyExecution body;
    private final Set<String> reportedGiveUps = new HashSet<>();
    private volatile String status = "launching the supervisor";

    private transient volatile ScheduledFuture<?> next;
    private transient long delayMillis;

    SupervisedServiceExecution(SupervisedServiceStep step, StepContext context) {
        super(context);
        this.context = context;
        this.step = step;
        this.onGiveUp = step.getOnGiveUp();
        this.logMode = step.getLog();
    }

    /** For tests: an execution whose agent side is {@code access}, for a workspace at {@code workspace}. */
    SupervisedServiceExecution(SupervisedServiceStep step, StepContext context, SupervisorAccess access, String workspace) {
        this(step, context);
        this.access = access;
        this.workspace = workspace;
    }

    @Override
    public StepContext getContext() {
        return context;
    }

    @Override
    public boolean start() throws Exception {
        StepContext c = getContext();
        TaskListener listener = c.get(TaskListener.class);
        EnvVars env = c.get(EnvVars.class);
        FilePath ws = access == null ? c.get(FilePath.class) : null;
        String wsPath = ws != null ? ws.getRemote() : workspace;
        SupervisorSpec spec = ServiceSpecs.toSpec(step.effectiveServices(), step.getServices().isEmpty(), wsPath,
                env == null ? Map.of() : new LinkedHashMap<>(env), step.problems());
        services = spec.services().stream().map(ServiceSpec::name).toList();
        offsets = new long[services.size()];
        readyDeadlineMillis = System.currentTimeMillis() + readyTimeout(spec).toMillis();
        stopWaitMillis = spec.services().stream().map(ServiceSpec::stopTimeout).max(Duration::compareTo)
                .orElse(ServiceSpec.DEFAULT_STOP_TIMEOUT).plusSeconds(10).toMillis();
        if (access == null) {
            access = new RemoteSupervisorAccess(ws, "supervised-" + UUID.randomUUID().toString().substring(0, 8))
                    .withContext(c);
        }
        listener.getLogger().println("supervisedService: starting " + String.join(", ", services) + " on " + access.describe());
        String specJson = Json.write(spec);
        scheduler.get().submit(() -> {
            try {
                register();
                access.launch(specJson);
                phase = Phase.STARTING;
                status = "waiting for " + String.join(", ", services) + " to be ready";
                schedule(MIN_DELAY_MILLIS);
            } catch (Exception e) {
                phase = Phase.DONE;
                AbortException a = new AbortException("supervisedService: cannot start the supervisor on "
                        + access.describe() + ": " + e.getMessage());
                a.initCause(e);
                getContext().onFailure(a);
            }
        });
        return false;
    }

    /** The sum of the services' readiness timeouts and start times (dependencies may chain), at least a minute. */
    static Duration readyTimeout(SupervisorSpec spec) {
        Duration sum = Duration.ZERO;
        for (ServiceSpec s : spec.services()) {
            sum = sum.plus(s.ready().map(Readiness::timeout).orElse(Duration.ofSeconds(30))).plus(s.startSeconds());
        }
        return sum.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : sum;
    }

    @Override
    public void onResume() {
        if (access instanceof RemoteSupervisorAccess r) {
            r.withContext(getContext());
        }
        status = "resumed after a controller restart";
        if (phase == Phase.STARTING || phase == Phase.BODY) {
            schedule(MIN_DELAY_MILLIS);
        } else if (phase == Phase.LAUNCHING || phase == Phase.STOPPING) {
            // interrupted half way: finish the stop; the body (if any) was not started or has ended
            scheduler.get().submit(() -> {
                stopServices(listenerOrNull());
                getContext().onFailure(new AbortException("supervisedService: the controller restarted while the "
                        + "services were " + (phase == Phase.LAUNCHING ? "starting" : "stopping")));
            });
        }
    }

    @Override
    public void stop(Throwable cause) {
        BodyExecution b = body;
        if (b != null && phase == Phase.BODY) {
            b.cancel(cause); // the body's callback stops the services
            return;
        }
        cancelPolling();
        scheduler.get().submit(() -> {
            stopServices(listenerOrNull());
            getContext().onFailure(cause);
        });
    }

    @Override
    public String getStatus() {
        return "supervisedService " + phase.name().toLowerCase() + ": " + status
                + (access == null ? "" : " on " + access.describe());
    }

    Phase phase() {
        return phase;
    }

    long delayMillis() {
        return delayMillis;
    }

    // --- polling ---

    private void schedule(long millis) {
        delayMillis = millis;
        next = scheduler.get().schedule(this::tick, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelPolling() {
        ScheduledFuture<?> n = next;
        if (n != null) {
            n.cancel(false);
        }
    }

    void tick() {
        if (phase != Phase.STARTING && phase != Phase.BODY) {
            return;
        }
        long nextDelay = Math.min(MAX_DELAY_MILLIS, Math.round(Math.max(delayMillis, MIN_DELAY_MILLIS) * DELAY_FACTOR));
        try {
            TaskListener listener = getContext().get(TaskListener.class);
            long[] before = offsets.clone();
            Optional<PollResult> polled = access.poll(services, offsets);
            if (polled.isEmpty()) {
                status = "waiting for " + access.describe() + " to come back";
            } else {
                PollResult r = polled.get();
                accept(r);
                stream(listener.getLogger(), r);
                if (r.moved(before)) {
                    nextDelay = MIN_DELAY_MILLIS;
                }
                if (r.stale()) {
                    boolean started = access.resume();
                    listener.getLogger().println("supervisedService: the supervisor stopped answering (heartbeat "
                            + (r.heartbeatAgeMillis() / 1000) + " s old): "
                            + (started ? "started a new one with --resume" : "a replacement is already starting"));
                    nextDelay = MIN_DELAY_MILLIS;
                }
                r.state().ifPresent(this::updateStatus);
                if (phase == Phase.STARTING && checkReady(r.state(), listener)) {
                    return; // the body started (and polls on) or the step failed
                }
                if (phase == Phase.BODY) {
                    r.state().ifPresent(s -> checkGiveUps(s, listener));
                }
            }
            if (phase == Phase.STARTING && System.currentTimeMillis() > readyDeadlineMillis) {
                fail(listener, "not ready in time: " + status);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOGGER.log(Level.FINE, "poll of " + access.describe() + " failed; retrying", e);
            status = "cannot reach the supervisor (" + e.getMessage() + "); retrying";
        }
        if (phase == Phase.STARTING || phase == Phase.BODY) {
            schedule(nextDelay);
        }
    }

    private void accept(PollResult r) {
        for (int i = 0; i < offsets.length && i < r.nextOffsets().size(); i++) {
            offsets[i] = r.nextOffsets().get(i);
        }
    }

    private void stream(PrintStream log, PollResult r) {
        if (!"stream".equals(logMode) && !"both".equals(logMode)) {
            return;
        }
        for (int i = 0; i < services.size() && i < r.lines().size(); i++) {
            for (String line : r.lines().get(i)) {
                log.println("[" + services.get(i) + "] " + line);
            }
        }
    }

    private void updateStatus(SupervisorState s) {
        List<String> parts = new ArrayList<>();
        for (ServiceStatus st : s.services()) {
            parts.add(st.name() + " " + st.state().name().toLowerCase()
                    + (st.restarts() > 0 ? " (" + st.restarts() + " restarts)" : ""));
        }
        status = String.join(", ", parts);
    }

    /** @return true when the caller must not reschedule: the body started, or the step failed */
    private boolean checkReady(Optional<SupervisorState> state, TaskListener listener) throws Exception {
        if (state.isEmpty()) {
            return false;
        }
        SupervisorState s = state.get();
        Optional<ServiceStatus> failed = s.services().stream().filter(x -> x.state() == ServiceState.FAILED)
                .min((a, b) -> Boolean.compare(a.message().orElse("").startsWith("dependency"),
                        b.message().orElse("").startsWith("dependency")));
        if (failed.isPresent()) {
            fail(listener, "service '" + failed.get().name() + "' failed before the block started: " + describe(failed.get()));
            return true;
        }
        if (s.services().stream().allMatch(x -> x.state() == ServiceState.READY || x.state() == ServiceState.EXITED)) {
            phase = Phase.BODY;
            listener.getLogger().println("supervisedService: ready: " + String.join(", ", services));
            recordAction(s);
            body = getContext().newBodyInvoker().withCallback(new Callback(this)).start();
            schedule(MIN_DELAY_MILLIS);
            return true;
        }
        return false;
    }

    private void fail(TaskListener listener, String message) {
        phase = Phase.STOPPING;
        listener.getLogger().println("supervisedService: " + message + "; the block does not run");
        scheduler.get().submit(() -> {
            stopServices(listener);
            getContext().onFailure(new AbortException("supervisedService: " + message));
        });
    }

    private void checkGiveUps(SupervisorState s, TaskListener listener) {
        for (ServiceStatus st : s.services()) {
            if (st.state() != ServiceState.FAILED || !reportedGiveUps.add(st.name())) {
                continue;
            }
            String message = "service '" + st.name() + "' gave up: " + describe(st);
            switch (onGiveUp) {
                case "ignore" -> listener.getLogger().println("supervisedService: " + message + " (onGiveUp: 'ignore')");
                case "unstable" -> {
                    listener.getLogger().println("supervisedService: " + message + "; the build is unstable");
                    markUnstable(message);
                }
                default -> {
                    listener.getLogger().println("supervisedService: " + message + "; aborting the block");
                    BodyExecution b = body;
                    if (b != null) {
                        b.cancel(new AbortException("supervisedService: " + message));
                    }
                }
            }
        }
    }

    private void markUnstable(String message) {
        try {
            getContext().get(Run.class).setResult(Result.UNSTABLE);
            FlowNode flowNode = getContext().get(FlowNode.class);
            if (flowNode != null) {
                flowNode.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
            }
        } catch (IOException | InterruptedException e) {
            LOGGER.log(Level.WARNING, "cannot mark the build unstable", e);
        }
    }

    /** What a user needs to know about a service that failed: its message, last exit and restarts. */
    static String describe(ServiceStatus st) {
        List<String> parts = new ArrayList<>();
        st.message().ifPresent(parts::add);
        st.lastExit().ifPresent(e -> parts.add("its last run ended with " + e.describe()));
        if (st.restarts() > 0) {
            parts.add(st.restarts() + " restarts");
        }
        return parts.isEmpty() ? st.state().name().toLowerCase() : String.join("; ", parts);
    }

    // --- the end ---

    /** Stops every service, streams the last lines, archives the logs and records the final states. Never throws. */
    void stopServices(TaskListener listener) {
        phase = Phase.STOPPING;
        cancelPolling();
        try {
            Optional<String> stateJson = access.stop(Duration.ofMillis(stopWaitMillis));
            if (stateJson.isEmpty()) {
                log(listener, "supervisedService: " + access.describe() + " is not connected: its supervisor stops the"
                        + " services when it sees the stop request or its control directory vanish");
                return;
            }
            if (listener != null) {
                access.poll(services, offsets).ifPresent(r -> {
                    accept(r);
                    stream(listener.getLogger(), r);
                });
            }
            if (!stateJson.get().isEmpty()) {
                SupervisorState s = Json.read(stateJson.get(), SupervisorState.class);
                recordAction(s);
                log(listener, "supervisedService: stopped " + String.join(", ", s.services().stream()
                        .map(x -> x.name() + " (" + x.state().name().toLowerCase() + ", " + x.restarts() + " restarts)")
                        .toList()));
            }
            unregister(); // stopped: nothing left for StaleSupervisorReaper (kept while the agent was not connected)
            access.archiveLogs(services, SupervisedServicesAction.ARTIFACT_DIR);
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "stopping the services on " + access.describe() + " failed", e);
            log(listener, "supervisedService: could not stop the services cleanly: " + e.getMessage());
        } finally {
            phase = Phase.DONE;
        }
    }

    /**
     * Records the control directory in {@link SupervisorRegistry} before the supervisor starts, so that
     * {@link io.jenkins.plugins.selftest.agent.StaleSupervisorReaper} stops its services if this build is lost.
     */
    private void register() {
        if (access instanceof RemoteSupervisorAccess r) {
            try {
                Run<?, ?> run = getContext().get(Run.class);
                SupervisorRegistry.get().add(new SupervisorRegistry.Entry(r.node(), r.controlDir(),
                        run.getExternalizableId(), Instant.now()));
            } catch (Exception e) {
                LOGGER.log(Level.WARNING, "cannot record " + access.describe() + " in the supervisor registry: if this"
                        + " build is lost, its services are not reaped", e);
            }
        }
    }

    private void unregister() {
        if (access instanceof RemoteSupervisorAccess r) {
            try {
                SupervisorRegistry.get().remove(r.node(), r.controlDir());
            } catch (Exception e) {
                LOGGER.log(Level.FINE, "cannot remove " + access.describe() + " from the supervisor registry", e);
            }
        }
    }

    private void recordAction(SupervisorState s) {
        try {
            Run<?, ?> run = getContext().get(Run.class);
            if (run != null) {
                SupervisedServicesAction.of(run).update(s);
            }
        } catch (IOException | InterruptedException e) {
            LOGGER.log(Level.FINE, "cannot record services on the build", e);
        }
    }

    private TaskListener listenerOrNull() {
        try {
            return getContext().get(TaskListener.class);
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private static void log(TaskListener listener, String line) {
        if (listener != null) {
            listener.getLogger().println(line);
        }
    }

    /** Ends the step when the body ends: services stopped first, off the CPS thread, the body's outcome kept. */
    static final class Callback extends BodyExecutionCallback {
        private static final long serialVersionUID = 1L;
        private final SupervisedServiceExecution execution;

        Callback(SupervisedServiceExecution execution) {
            this.execution = execution;
        }

        @Override
        public void onSuccess(StepContext context, Object result) {
            scheduler.get().submit(() -> {
                execution.stopServices(execution.listenerOrNull());
                context.onSuccess(result);
            });
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            scheduler.get().submit(() -> {
                execution.stopServices(execution.listenerOrNull());
                context.onFailure(t);
            });
        }
    }
}
