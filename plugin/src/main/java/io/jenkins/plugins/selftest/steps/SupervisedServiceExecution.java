package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import io.jenkins.plugins.selftest.actions.SupervisedServicesAction;
import io.jenkins.plugins.selftest.agent.EngineJar;
import io.jenkins.plugins.selftest.agent.PollResult;
import io.jenkins.plugins.selftest.agent.SupervisorCalls;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceSpec;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.BuildListenerAdapter;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.FilePathUtils;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Runs {@code supervisedService}: starts a supervisor daemon on the agent, waits for readiness, runs the body,
 * stops every service when the body ends (however it ends).
 *
 * <p>Durable in the manner of durable-task: the services run under a detached daemon that owns a control directory
 * on the agent; this execution persists only the node name, the directory's path, the service names, the log
 * offsets and its phase, and only reads that directory (through small callables with timeouts) and writes the stop
 * request. After a controller restart {@link #onResume} finds it again; a daemon whose heartbeat went stale is
 * replaced with {@code --resume}. Polling starts at 250 ms and backs off by 1.2 to 15 s while nothing moves. Nothing
 * here blocks the CPS thread: remote work runs on {@link Timer}.
 *
 * <p>Serialized with the Pipeline program; fields marked transient are rebuilt on resume.
 */
public final class SupervisedServiceExecution extends StepExecution {

    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(SupervisedServiceExecution.class.getName());

    static final long MIN_DELAY_MILLIS = 250;
    static final long MAX_DELAY_MILLIS = 15_000;
    static final double DELAY_FACTOR = 1.2;
    static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(30);
    static final int LOG_CHUNK = 256 * 1024;

    /** Where the execution is; persisted. */
    enum Phase { LAUNCHING, STARTING, BODY, STOPPING, DONE }

    private final transient SupervisedServiceStep step;
    private String node;
    private String controlDir;
    private String engineJar;
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
        this.step = step;
        this.onGiveUp = step.getOnGiveUp();
        this.logMode = step.getLog();
    }

    @Override
    public boolean start() throws Exception {
        StepContext c = getContext();
        FilePath ws = c.get(FilePath.class);
        TaskListener listener = c.get(TaskListener.class);
        Map<String, String> env = new LinkedHashMap<>(c.get(hudson.EnvVars.class));
        SupervisorSpec spec = ServiceSpecs.toSpec(step.effectiveServices(), step.getServices().isEmpty(), ws.getRemote(), env);
        services = spec.services().stream().map(ServiceSpec::name).toList();
        offsets = new long[services.size()];
        node = FilePathUtils.getNodeName(ws);
        FilePath dir = WorkspaceList.tempDir(ws).child("supervised-" + UUID.randomUUID().toString().substring(0, 8));
        controlDir = dir.getRemote();
        readyDeadlineMillis = System.currentTimeMillis() + readyTimeout(spec).toMillis();
        stopWaitMillis = spec.services().stream().map(ServiceSpec::stopTimeout).max(Duration::compareTo)
                .orElse(ServiceSpec.DEFAULT_STOP_TIMEOUT).plusSeconds(10).toMillis();
        listener.getLogger().println("supervisedService: starting " + String.join(", ", services)
                + " (control directory " + controlDir + ")");
        FilePath root = agentRoot(ws);
        String specJson = Json.write(spec);
        Timer.get().submit(() -> {
            try {
                engineJar = EngineJar.install(root);
                remote(dir.actAsync(new SupervisorCalls.Launch(specJson, engineJar)));
                phase = Phase.STARTING;
                status = "waiting for " + String.join(", ", services) + " to be ready";
                schedule(MIN_DELAY_MILLIS);
            } catch (Exception e) {
                phase = Phase.DONE;
                getContext().onFailure(asAbort("cannot start the supervisor on " + describeNode(), e));
            }
        });
        return false;
    }

    /** The longest readiness timeout of the spec plus the time dependencies may add, at least a minute. */
    private static Duration readyTimeout(SupervisorSpec spec) {
        Duration sum = Duration.ZERO;
        for (ServiceSpec s : spec.services()) {
            sum = sum.plus(s.ready().map(r -> r.timeout()).orElse(Duration.ofSeconds(30))).plus(s.startSeconds());
        }
        return sum.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : sum;
    }

    private static FilePath agentRoot(FilePath ws) {
        Computer computer = ws.toComputer();
        Node n = computer == null ? null : computer.getNode();
        FilePath root = n == null ? null : n.getRootPath();
        return root != null ? root : WorkspaceList.tempDir(ws);
    }

    @Override
    public void onResume() {
        status = "resumed after a controller restart";
        if (phase != Phase.DONE) {
            schedule(MIN_DELAY_MILLIS);
        }
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        BodyExecution b = body;
        if (b != null && phase == Phase.BODY) {
            b.cancel(cause); // the body's callback stops the services
            return;
        }
        cancelPolling();
        Timer.get().submit(() -> {
            stopServices(listenerOrNull());
            getContext().onFailure(cause);
        });
    }

    @Override
    public String getStatus() {
        return "supervisedService " + phase.name().toLowerCase() + ": " + status + " (" + controlDir + " on "
                + describeNode() + ")";
    }

    // --- polling ---

    private void schedule(long millis) {
        delayMillis = millis;
        next = Timer.get().schedule(this::tick, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelPolling() {
        ScheduledFuture<?> n = next;
        if (n != null) {
            n.cancel(false);
        }
    }

    private void tick() {
        if (phase == Phase.DONE || phase == Phase.STOPPING) {
            return;
        }
        long nextDelay = Math.min(MAX_DELAY_MILLIS, Math.round(delayMillis * DELAY_FACTOR));
        try {
            FilePath dir = FilePathUtils.find(node, controlDir);
            if (dir == null) {
                status = "waiting for agent " + describeNode() + " to come back";
                schedule(nextDelay);
                return;
            }
            TaskListener listener = getContext().get(TaskListener.class);
            long[] before = offsets.clone();
            PollResult r = poll(dir);
            stream(listener.getLogger(), r);
            if (r.moved(before)) {
                nextDelay = MIN_DELAY_MILLIS;
            }
            if (r.stale()) {
                listener.getLogger().println("supervisedService: the supervisor stopped answering (heartbeat "
                        + (r.heartbeatAgeMillis() / 1000) + " s old): starting a new one with --resume");
                remote(dir.actAsync(new SupervisorCalls.Resume(engineJar)));
                nextDelay = MIN_DELAY_MILLIS;
            }
            Optional<SupervisorState> state = r.state();
            state.ifPresent(this::updateStatus);
            if (phase == Phase.STARTING) {
                if (checkReady(state, listener)) {
                    return; // body started or step failed; polling goes on only with the body
                }
            } else if (phase == Phase.BODY) {
                state.ifPresent(s -> checkGiveUps(s, listener));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOGGER.log(Level.FINE, "poll of " + controlDir + " on " + describeNode() + " failed; retrying", e);
            status = "cannot reach the supervisor (" + e.getMessage() + "); retrying";
        }
        if (phase == Phase.STARTING || phase == Phase.BODY) {
            schedule(nextDelay);
        }
    }

    private PollResult poll(FilePath dir) throws Exception {
        String json = remote(dir.actAsync(new SupervisorCalls.Poll(services, offsets, LOG_CHUNK)));
        PollResult r = Json.read(json, PollResult.class);
        for (int i = 0; i < offsets.length && i < r.nextOffsets().size(); i++) {
            offsets[i] = r.nextOffsets().get(i);
        }
        return r;
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
            parts.add(st.name() + " " + st.state().name().toLowerCase() + (st.restarts() > 0 ? " (" + st.restarts() + " restarts)" : ""));
        }
        status = String.join(", ", parts);
    }

    /** @return true when polling must not be rescheduled by the caller */
    private boolean checkReady(Optional<SupervisorState> state, TaskListener listener) throws Exception {
        if (state.isPresent()) {
            SupervisorState s = state.get();
            Optional<ServiceStatus> failed = s.services().stream().filter(x -> x.state() == ServiceState.FAILED).findFirst();
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
        }
        if (System.currentTimeMillis() > readyDeadlineMillis) {
            fail(listener, "not ready in time: " + status);
            return true;
        }
        return false;
    }

    private void fail(TaskListener listener, String message) {
        phase = Phase.STOPPING;
        listener.getLogger().println("supervisedService: " + message + "; the block does not run");
        Timer.get().submit(() -> {
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
                case "ignore" -> listener.getLogger().println("supervisedService: " + message + " (onGiveUp: ignore)");
                case "unstable" -> {
                    listener.getLogger().println("supervisedService: " + message + "; marking the build unstable");
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

    static String describe(ServiceStatus st) {
        StringBuilder b = new StringBuilder();
        st.message().ifPresent(b::append);
        st.lastExit().ifPresent(e -> b.append(b.length() > 0 ? "; " : "").append("last exit ").append(e.describe()));
        if (st.restarts() > 0) {
            b.append(b.length() > 0 ? "; " : "").append(st.restarts()).append(" restarts");
        }
        return b.length() == 0 ? st.state().name().toLowerCase() : b.toString();
    }

    // --- the end ---

    /** Stops every service, streams the last lines, archives the logs and records the final states. Never throws. */
    void stopServices(TaskListener listener) {
        phase = Phase.STOPPING;
        cancelPolling();
        try {
            FilePath dir = FilePathUtils.find(node, controlDir);
            if (dir == null) {
                log(listener, "supervisedService: agent " + describeNode() + " is not connected: the services on it are"
                        + " stopped by their supervisor once it sees the stop request or its control directory vanish");
                return;
            }
            String stateJson = remote(dir.actAsync(new SupervisorCalls.Stop(Duration.ofMillis(stopWaitMillis), engineJar)),
                    Duration.ofMillis(stopWaitMillis).plus(REMOTE_TIMEOUT));
            if (listener != null) {
                stream(listener.getLogger(), poll(dir));
            }
            Optional<SupervisorState> last = stateJson.isEmpty() ? Optional.empty()
                    : Optional.of(Json.read(stateJson, SupervisorState.class));
            last.ifPresent(s -> {
                recordAction(s);
                log(listener, "supervisedService: stopped " + String.join(", ", s.services().stream()
                        .map(x -> x.name() + " (" + x.state().name().toLowerCase() + ", " + x.restarts() + " restarts)").toList()));
            });
            archiveLogs(dir, listener);
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "stopping the services in " + controlDir + " failed", e);
            log(listener, "supervisedService: could not stop the services cleanly: " + e.getMessage());
        } finally {
            phase = Phase.DONE;
        }
    }

    private void archiveLogs(FilePath dir, TaskListener listener) throws IOException, InterruptedException {
        Run<?, ?> run = getContext().get(Run.class);
        Launcher launcher = getContext().get(Launcher.class);
        Map<String, String> files = new LinkedHashMap<>();
        for (String s : services) {
            if (dir.child("logs").child(s + ".log").exists()) {
                files.put(SupervisedServicesAction.ARTIFACT_DIR + "/" + s + ".log", "logs/" + s + ".log");
            }
        }
        if (!files.isEmpty() && launcher != null) {
            run.pickArtifactManager().archive(dir, launcher, new BuildListenerAdapter(listener), files);
        }
    }

    private void recordAction(SupervisorState s) {
        try {
            Run<?, ?> run = getContext().get(Run.class);
            SupervisedServicesAction.of(run).update(s);
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

    private String describeNode() {
        return node == null || node.isEmpty() ? "the built-in node" : "'" + node + "'";
    }

    private static <T> T remote(Future<T> f) throws Exception {
        return remote(f, REMOTE_TIMEOUT);
    }

    private static <T> T remote(Future<T> f, Duration timeout) throws Exception {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IOException("the agent did not answer within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : e;
        }
    }

    private static AbortException asAbort(String what, Exception e) {
        AbortException a = new AbortException("supervisedService: " + what + ": " + e.getMessage());
        a.initCause(e);
        return a;
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
            Timer.get().submit(() -> {
                execution.stopServices(execution.listenerOrNull());
                context.onSuccess(result);
            });
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            Timer.get().submit(() -> {
                execution.stopServices(execution.listenerOrNull());
                context.onFailure(t);
            });
        }
    }
}
