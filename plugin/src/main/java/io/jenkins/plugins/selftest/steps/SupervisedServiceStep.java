package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.actions.SupervisedServicesAction;
import io.jenkins.plugins.selftest.agent.PollResult;
import io.jenkins.plugins.selftest.agent.ServiceAgent;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceSpec;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceEndpoints;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code supervisedService(...) { body }}: keeps helper processes alive while the body runs.
 *
 * <p>Either one service (the service fields of this step) or several ({@code services: [[...], ...]}, each a
 * {@link ServiceDefinition}). All parameters are optional setters because neither shape needs all of them. The
 * single service's settings are one {@link ServiceDefinition} value, the same type as an item of {@code services}:
 * its setters here only hand the value over, because Pipeline and the snippet generator bind
 * {@code supervisedService(name: ..., command: ...)} to setters of the step's own class.
 */
public class SupervisedServiceStep extends Step {

    private final ServiceDefinition single = new ServiceDefinition();
    private List<ServiceDefinition> services = List.of();
    private String onGiveUp = OnGiveUp.FAIL.label();
    private String log = LogMode.STREAM.label();

    @DataBoundConstructor
    public SupervisedServiceStep() {
    }

    /** The services to supervise: the list, or the single service given through this step's own fields. */
    public List<ServiceDefinition> effectiveServices() {
        return services.isEmpty() ? List.of(single) : services;
    }

    public String getName() {
        return single.getName();
    }

    @DataBoundSetter
    public void setName(String name) {
        single.setName(name);
    }

    public String getCommand() {
        return single.getCommand();
    }

    @DataBoundSetter
    public void setCommand(String command) {
        single.setCommand(command);
    }

    public String getRestart() {
        return single.getRestart();
    }

    @DataBoundSetter
    public void setRestart(String restart) {
        single.setRestart(restart);
    }

    public int getMaxRestarts() {
        return single.getMaxRestarts();
    }

    @DataBoundSetter
    public void setMaxRestarts(int maxRestarts) {
        single.setMaxRestarts(maxRestarts);
    }

    public BackoffSettings getBackoff() {
        return single.getBackoff();
    }

    @DataBoundSetter
    public void setBackoff(BackoffSettings backoff) {
        single.setBackoff(backoff);
    }

    public String getStartSeconds() {
        return single.getStartSeconds();
    }

    @DataBoundSetter
    public void setStartSeconds(String startSeconds) {
        single.setStartSeconds(startSeconds);
    }

    public ReadinessSettings getReady() {
        return single.getReady();
    }

    @DataBoundSetter
    public void setReady(ReadinessSettings ready) {
        single.setReady(ready);
    }

    public String getStopTimeout() {
        return single.getStopTimeout();
    }

    @DataBoundSetter
    public void setStopTimeout(String stopTimeout) {
        single.setStopTimeout(stopTimeout);
    }

    public List<String> getEnv() {
        return single.getEnv();
    }

    @DataBoundSetter
    public void setEnv(List<String> env) {
        single.setEnv(env);
    }

    public String getDir() {
        return single.getDir();
    }

    @DataBoundSetter
    public void setDir(String dir) {
        single.setDir(dir);
    }

    public String getPort() {
        return single.getPort();
    }

    @DataBoundSetter
    public void setPort(String port) {
        single.setPort(port);
    }

    public String getImage() {
        return single.getImage();
    }

    @DataBoundSetter
    public void setImage(String image) {
        single.setImage(image);
    }

    public List<String> getPorts() {
        return single.getPorts();
    }

    @DataBoundSetter
    public void setPorts(List<String> ports) {
        single.setPorts(ports);
    }

    public List<String> getVolumes() {
        return single.getVolumes();
    }

    @DataBoundSetter
    public void setVolumes(List<String> volumes) {
        single.setVolumes(volumes);
    }

    public String getRuntime() {
        return single.getRuntime();
    }

    @DataBoundSetter
    public void setRuntime(String runtime) {
        single.setRuntime(runtime);
    }

    public String getDockerHost() {
        return single.getDockerHost();
    }

    @DataBoundSetter
    public void setDockerHost(String dockerHost) {
        single.setDockerHost(dockerHost);
    }

    public List<ServiceDefinition> getServices() {
        return services;
    }

    @DataBoundSetter
    public void setServices(List<ServiceDefinition> services) {
        this.services = services == null ? List.of() : List.copyOf(services);
    }

    public String getOnGiveUp() {
        return onGiveUp;
    }

    /** {@code fail} (default): abort the body and fail the build; {@code unstable}; {@code ignore}. */
    @DataBoundSetter
    public void setOnGiveUp(String onGiveUp) {
        this.onGiveUp = Choices.canonical(onGiveUp, Labelled.labels(OnGiveUp.class));
    }

    public String getLog() {
        return log;
    }

    /** {@code stream} (default): each line to the build log as {@code [name] ...}; {@code file}; {@code both}. */
    @DataBoundSetter
    public void setLog(String log) {
        this.log = Choices.canonical(log, Labelled.labels(LogMode.class));
    }

    /**
     * Problems of the step's own fields (each {@code <field>: ...}); the services' fields are checked by the engine's
     * spec parser when the execution starts, and reported together with these.
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Choices.notOneOf("onGiveUp", onGiveUp, Labelled.labels(OnGiveUp.class)).ifPresent(problems::add);
        Choices.notOneOf("log", log, Labelled.labels(LogMode.class)).ifPresent(problems::add);
        return problems;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context, JenkinsWiring.INSTANCE);
    }

    /**
     * What an execution needs from outside itself besides its context: how it reaches a new supervisor's machine and
     * where it runs its polls and remote work. One value handed to the one constructor, so that a test passes fakes
     * through the same door Jenkins uses. Serializable: kept with the execution, so a resumed one works the same way.
     */
    public interface Wiring extends Serializable {

        /** The agent side of a new supervisor next to the context's workspace. Makes no remote call. */
        ServiceAgent connect(StepContext context) throws IOException, InterruptedException;

        /** Where polls and remote work run: never the CPS thread. */
        ScheduledExecutorService scheduler();
    }

    /** Jenkins: a control directory beside the step's workspace, reached through {@code AgentLink}; Jenkins' Timer. */
    private enum JenkinsWiring implements Wiring {
        INSTANCE;

        @Override
        public ServiceAgent connect(StepContext context) throws IOException, InterruptedException {
            return ServiceAgent.nextTo(context.get(FilePath.class));
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return Timer.get();
        }
    }

    /**
     * Runs {@code supervisedService}: starts a supervisor daemon on the agent, waits for readiness, runs the body, and
     * stops every service when the body ends, however it ends.
     *
     * <p>Durable in the manner of durable-task: the services run under a detached daemon that owns a control
     * directory on the agent; this execution persists only how to reach that directory ({@link ServiceAgent}: node
     * name and paths), the service names, the log offsets and its phase, and only reads that directory and writes the
     * stop request; it saves itself when the log offsets move ({@link #SAVE_EVERY_MILLIS}), so that a resumed
     * execution streams on from where it was. The build's environment is never persisted by it nor written on the
     * agent: it reaches the daemon in memory, and a replacement daemon gets it from the context again. After a controller restart {@link #onResume} polls again; a daemon whose heartbeat went stale is
     * replaced with {@code --resume}. Polling starts at 250 ms and backs off by 1.2 to 15 s while no log moves. Remote
     * work runs on the {@link Wiring#scheduler()}, never on the CPS thread; {@link #stop} works when the agent is gone.
     *
     * <p>Serialized with the Pipeline program (JBoss Marshalling); transient fields are rebuilt on resume. Since 0.1.0
     * this class replaces the top-level {@code SupervisedServiceExecution}: a build running under the older plugin is
     * not resumed by this one.
     */
    public static final class Execution extends StepExecution {

        private static final long serialVersionUID = 1L;
        private static final Logger LOGGER = Logger.getLogger(Execution.class.getName());

        static final long MIN_DELAY_MILLIS = 250;
        static final long MAX_DELAY_MILLIS = 15_000;
        static final double DELAY_FACTOR = 1.2;
        /** The most polling time between a move of the log offsets and its save. */
        static final long SAVE_EVERY_MILLIS = 5_000;

        /** Where the execution is; persisted. */
        enum Phase { LAUNCHING, STARTING, BODY, STOPPING, DONE }

        /**
         * The context the superclass keeps too: {@link #getContext()} answers from here, so that the execution also
         * runs against the compile-time stand-in of the Pipeline API (the unit tests' classpath), whose
         * {@code StepExecution.getContext()} has no body. Persisted as the same object as the superclass's.
         */
        private final StepContext context;
        private final Wiring wiring;
        private final transient SupervisedServiceStep step;
        private ServiceAgent agent;
        private List<String> services = List.of();
        private long[] offsets = new long[0];
        private long readyDeadlineMillis;
        private long stopWaitMillis;
        private OnGiveUp onGiveUp = OnGiveUp.FAIL;
        private LogMode logMode = LogMode.STREAM;
        private volatile Phase phase = Phase.LAUNCHING;
        private BodyExecution body;
        private final Set<String> reportedGiveUps = new HashSet<>();
        private volatile String status = "launching the supervisor";

        private transient volatile ScheduledFuture<?> next;
        private transient long delayMillis;
        /** Offset saving ({@link #saveOffsetsWhenDue}); not persisted: a resumed execution saves its first move. */
        private transient boolean offsetsUnsaved;
        private transient boolean savedOnce;
        private transient long sinceSaveMillis;

        Execution(SupervisedServiceStep step, StepContext context, Wiring wiring) {
            super(context);
            this.context = context;
            this.step = step;
            this.wiring = wiring;
        }

        @Override
        public StepContext getContext() {
            return context;
        }

        @Override
        public boolean start() throws Exception {
            TaskListener listener = context.get(TaskListener.class);
            EnvVars env = context.get(EnvVars.class);
            agent = wiring.connect(context);
            SupervisorSpec spec = ServiceSpecs.toSpec(step, agent.workspace());
            // the build's environment (credentials bindings too) goes to the daemon in memory, never into the spec
            Map<String, String> inherited = env == null ? Map.of() : new LinkedHashMap<>(env);
            onGiveUp = Labelled.of(OnGiveUp.class, step.getOnGiveUp());
            logMode = Labelled.of(LogMode.class, step.getLog());
            services = spec.services().stream().map(ServiceSpec::name).toList();
            offsets = new long[services.size()];
            readyDeadlineMillis = System.currentTimeMillis() + ServiceProgress.readyTimeout(spec).toMillis();
            stopWaitMillis = ServiceProgress.stopWait(spec).toMillis();
            listener.getLogger().println("supervisedService: starting " + String.join(", ", services) + " on "
                    + agent.describe());
            wiring.scheduler().submit(() -> launch(spec, inherited));
            return false;
        }

        private void launch(SupervisorSpec spec, Map<String, String> inherited) {
            try {
                register();
                agent.launch(spec, inherited);
                phase = Phase.STARTING;
                status = "waiting for " + String.join(", ", services) + " to be ready";
                schedule(MIN_DELAY_MILLIS);
            } catch (Exception e) {
                phase = Phase.DONE;
                AbortException a = new AbortException("supervisedService: cannot start the supervisor on "
                        + agent.describe() + ": " + e.getMessage());
                a.initCause(e);
                context.onFailure(a);
            }
        }

        @Override
        public void onResume() {
            status = "resumed after a controller restart";
            if (phase == Phase.STARTING || phase == Phase.BODY) {
                schedule(MIN_DELAY_MILLIS);
            } else if (phase == Phase.LAUNCHING || phase == Phase.STOPPING) {
                // interrupted half way: finish the stop; the body (if any) was not started or has ended
                String interrupted = phase == Phase.LAUNCHING ? "starting" : "stopping"; // before the stop moves it
                wiring.scheduler().submit(() -> {
                    stopServices(listenerOrNull());
                    context.onFailure(new AbortException("supervisedService: the controller restarted while the "
                            + "services were " + interrupted));
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
            wiring.scheduler().submit(() -> {
                stopServices(listenerOrNull());
                context.onFailure(cause);
            });
        }

        @Override
        public String getStatus() {
            return "supervisedService " + phase.name().toLowerCase(Locale.ROOT) + ": " + status
                    + (agent == null ? "" : " on " + agent.describe());
        }

        Phase phase() {
            return phase;
        }

        long delayMillis() {
            return delayMillis;
        }

        // --- polling ---

        /** The pause after a poll in which no log moved: 1.2 times the last one, from 250 ms up to 15 s. */
        static long nextDelay(long lastMillis) {
            return Math.min(MAX_DELAY_MILLIS, Math.round(Math.max(lastMillis, MIN_DELAY_MILLIS) * DELAY_FACTOR));
        }

        private void schedule(long millis) {
            delayMillis = millis;
            next = wiring.scheduler().schedule(this::tick, millis, TimeUnit.MILLISECONDS);
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
            long nextDelay = nextDelay(delayMillis);
            try {
                TaskListener listener = context.get(TaskListener.class);
                long[] before = offsets.clone();
                Optional<PollResult> polled = agent.poll(services, offsets);
                if (polled.isEmpty()) {
                    status = "waiting for " + agent.describe() + " to come back";
                } else {
                    PollResult r = polled.get();
                    accept(r);
                    stream(listener.getLogger(), r);
                    if (r.moved(before)) {
                        nextDelay = MIN_DELAY_MILLIS;
                        offsetsUnsaved = true;
                    }
                    saveOffsetsWhenDue();
                    if (r.stale()) {
                        Map<String, String> inherited = inheritedEnvironment();
                        boolean started = agent.resume(inherited);
                        listener.getLogger().println("supervisedService: the supervisor stopped answering (heartbeat "
                                + (r.heartbeatAgeMillis() / 1000) + " s old): "
                                + (started ? "started a new one with --resume" : "a replacement is already starting")
                                + (started && inherited.isEmpty() ? "; the build's environment is not available here,"
                                        + " so services it starts anew see only their env: and the agent's" : ""));
                        nextDelay = MIN_DELAY_MILLIS;
                    }
                    String statusBefore = status;
                    r.state().ifPresent(s -> status = ServiceProgress.status(s));
                    if (phase == Phase.STARTING && r.state().isPresent() && checkReady(r.state().get(), listener)) {
                        return; // the body started (and polls on) or the step failed
                    }
                    if (phase == Phase.BODY && r.state().isPresent()) {
                        if (!status.equals(statusBefore)) {
                            recordAction(r.state().get()); // the services table shows restarts while the body runs
                        }
                        checkGiveUps(r.state().get(), listener);
                    }
                }
                if (phase == Phase.STARTING && System.currentTimeMillis() > readyDeadlineMillis) {
                    fail(listener, "not ready in time: " + status);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOGGER.log(Level.FINE, "poll of " + agent.describe() + " failed; retrying", e);
                status = "cannot reach the supervisor (" + e.getMessage() + "); retrying";
            }
            if (phase == Phase.STARTING || phase == Phase.BODY) {
                schedule(nextDelay);
            }
        }

        /**
         * Saves the execution (and so the log offsets) when they moved since the last save, at most every
         * {@link #SAVE_EVERY_MILLIS} of polling: after a controller restart the logs are streamed on from there, and at
         * most that much of them again. The first move after a start or a resume is saved at once.
         */
        private void saveOffsetsWhenDue() {
            sinceSaveMillis += delayMillis;
            if (!offsetsUnsaved || (savedOnce && sinceSaveMillis < SAVE_EVERY_MILLIS)) {
                return;
            }
            context.saveState();
            savedOnce = true;
            offsetsUnsaved = false;
            sinceSaveMillis = 0;
        }

        /**
         * The build's environment as the context has it now, for a replacement daemon: after a controller restart too
         * (Pipeline restores what enclosing withEnv and withCredentials blocks contribute with the program); empty,
         * with the services of a replacement then seeing only their {@code env:} and the agent's, when the context
         * cannot give it.
         */
        private Map<String, String> inheritedEnvironment() {
            try {
                EnvVars env = context.get(EnvVars.class);
                return env == null ? Map.of() : new LinkedHashMap<>(env);
            } catch (IOException | InterruptedException e) {
                LOGGER.log(Level.FINE, "no environment for a replacement supervisor", e);
                return Map.of();
            }
        }

        /** Moves the log offsets to where the poll read up to. */
        private void accept(PollResult r) {
            for (int i = 0; i < offsets.length && i < r.logs().size(); i++) {
                offsets[i] = r.logs().get(i).nextOffset();
            }
        }

        private void stream(PrintStream log, PollResult r) {
            if (!logMode.streams()) {
                return;
            }
            for (int i = 0; i < services.size(); i++) {
                for (String line : r.lines(i)) {
                    log.println("[" + services.get(i) + "] " + line);
                }
            }
        }

        /** @return true when the caller must not reschedule: the body started, or the step failed */
        private boolean checkReady(SupervisorState s, TaskListener listener) throws IOException, InterruptedException {
            Optional<ServiceStatus> failed = ServiceProgress.failed(s);
            if (failed.isPresent()) {
                fail(listener, "service '" + failed.get().name() + "' failed before the block started: "
                        + ServiceProgress.describe(failed.get()));
                return true;
            }
            if (ServiceProgress.ready(s)) {
                phase = Phase.BODY;
                listener.getLogger().println("supervisedService: ready: " + ServiceProgress.readyLine(s));
                recordAction(s);
                body = context.newBodyInvoker().withContext(bodyEnvironment(s)).withCallback(new Callback(this))
                        .start();
                schedule(MIN_DELAY_MILLIS);
                return true;
            }
            return false;
        }

        /**
         * The body's environment: what encloses the step, plus {@code SERVICE_<NAME>_HOST} / {@code _PORT} /
         * {@code _PORT_<CONTAINERPORT>} of every service with a port ({@link ServiceEndpoints}). Fixed for the body:
         * a service keeps its allocated ports across restarts and a resume.
         */
        private EnvironmentExpander bodyEnvironment(SupervisorState s) throws IOException, InterruptedException {
            EnvironmentExpander endpoints = new EndpointVariables(ServiceEndpoints.environment(s.services()));
            EnvironmentExpander enclosing = context.get(EnvironmentExpander.class);
            return enclosing == null ? endpoints : EnvironmentExpander.merge(enclosing, endpoints);
        }

        private void fail(TaskListener listener, String message) {
            phase = Phase.STOPPING;
            listener.getLogger().println("supervisedService: " + message + "; the block does not run");
            wiring.scheduler().submit(() -> {
                stopServices(listener);
                context.onFailure(new AbortException("supervisedService: " + message));
            });
        }

        private void checkGiveUps(SupervisorState s, TaskListener listener) {
            for (ServiceStatus st : s.services()) {
                if (st.state() != ServiceState.FAILED || !reportedGiveUps.add(st.name())) {
                    continue;
                }
                String message = "service '" + st.name() + "' gave up: " + ServiceProgress.describe(st);
                switch (onGiveUp) {
                    case IGNORE -> listener.getLogger().println("supervisedService: " + message + " (onGiveUp: '"
                            + OnGiveUp.IGNORE.label() + "')");
                    case UNSTABLE -> {
                        listener.getLogger().println("supervisedService: " + message + "; the build is unstable");
                        markUnstable(message);
                    }
                    case FAIL -> {
                        listener.getLogger().println("supervisedService: " + message + "; aborting the block");
                        BodyExecution b = body;
                        if (b != null) {
                            b.cancel(new AbortException("supervisedService: " + message));
                        }
                    }
                    default -> throw new IllegalStateException("unknown onGiveUp " + onGiveUp);
                }
            }
        }

        private void markUnstable(String message) {
            try {
                context.get(Run.class).setResult(Result.UNSTABLE);
                FlowNode flowNode = context.get(FlowNode.class);
                if (flowNode != null) {
                    flowNode.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
                }
            } catch (IOException | InterruptedException e) {
                LOGGER.log(Level.WARNING, "cannot mark the build unstable", e);
            }
        }

        // --- the end ---

        /** Stops every service, streams the last lines, archives the logs and records the final states. Never throws. */
        void stopServices(TaskListener listener) {
            phase = Phase.STOPPING;
            cancelPolling();
            try {
                Optional<PollResult> last = agent.stop(services, offsets, Duration.ofMillis(stopWaitMillis),
                        inheritedEnvironment());
                if (last.isEmpty()) {
                    log(listener, "supervisedService: " + agent.describe() + " is not connected: its supervisor stops"
                            + " the services when it sees the stop request or its control directory vanish");
                    return;
                }
                PollResult r = last.get();
                accept(r);
                if (listener != null) {
                    stream(listener.getLogger(), r);
                }
                r.state().ifPresent(s -> {
                    recordAction(s);
                    log(listener, "supervisedService: stopped " + ServiceProgress.stopped(s));
                });
                unregister(); // stopped: nothing left for StaleSupervisorReaper (kept while the agent was not connected)
                agent.archiveLogs(services, SupervisedServicesAction.ARTIFACT_DIR, context.get(Run.class),
                        context.get(Launcher.class), context.get(TaskListener.class));
                // archived: nothing of the services (spec, state, logs) stays on the agent
                boolean stopped = r.state().map(s -> s.phase() == SupervisorState.Phase.STOPPED).orElse(false);
                if (!stopped || !agent.remove()) {
                    log(listener, "supervisedService: the supervisor on " + agent.describe() + " has not stopped yet"
                            + " (it acts on the stop request); its control directory is kept");
                }
            } catch (Exception e) {
                LOGGER.log(Level.WARNING, "stopping the services on " + agent.describe() + " failed", e);
                log(listener, "supervisedService: could not stop the services cleanly: " + e.getMessage());
            } finally {
                phase = Phase.DONE;
            }
        }

        /**
         * Records the control directory before the supervisor starts, so that
         * {@link io.jenkins.plugins.selftest.agent.StaleSupervisorReaper} stops its services if this build is lost.
         */
        private void register() {
            try {
                agent.register(context.get(Run.class));
            } catch (Exception e) {
                LOGGER.log(Level.WARNING, "cannot record " + agent.describe() + " in the supervisor registry: if this"
                        + " build is lost, its services are not reaped", e);
            }
        }

        private void unregister() {
            try {
                agent.unregister();
            } catch (Exception e) {
                LOGGER.log(Level.FINE, "cannot remove " + agent.describe() + " from the supervisor registry", e);
            }
        }

        private void recordAction(SupervisorState s) {
            try {
                Run<?, ?> run = context.get(Run.class);
                if (run != null) {
                    SupervisedServicesAction.of(run).update(s);
                }
            } catch (IOException | InterruptedException e) {
                LOGGER.log(Level.FINE, "cannot record services on the build", e);
            }
        }

        private TaskListener listenerOrNull() {
            try {
                return context.get(TaskListener.class);
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
            private final Execution execution;

            Callback(Execution execution) {
                this.execution = execution;
            }

            @Override
            public void onSuccess(StepContext context, Object result) {
                execution.wiring.scheduler().submit(() -> {
                    execution.stopServices(execution.listenerOrNull());
                    context.onSuccess(result);
                });
            }

            @Override
            public void onFailure(StepContext context, Throwable t) {
                execution.wiring.scheduler().submit(() -> {
                    execution.stopServices(execution.listenerOrNull());
                    context.onFailure(t);
                });
            }
        }
    }

    /**
     * The services' variables for the body. Serialized with the body's context (program.dat): host names and port
     * numbers only, nothing secret.
     */
    static final class EndpointVariables extends EnvironmentExpander {
        private static final long serialVersionUID = 1L;
        private final Map<String, String> variables;

        EndpointVariables(Map<String, String> variables) {
            this.variables = new LinkedHashMap<>(variables);
        }

        Map<String, String> variables() {
            return Map.copyOf(variables);
        }

        @Override
        public void expand(EnvVars env) {
            variables.forEach(env::put);
        }

        @Override
        public Set<String> getSensitiveVariables() {
            return Set.of();
        }
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor implements ServiceFieldChecks, PortArgument {

        @Override
        public String getFunctionName() {
            return "supervisedService";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SupervisedServiceStep.DisplayName");
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
        }

        public ListBoxModel doFillOnGiveUpItems() {
            return Choices.items(Labelled.labels(OnGiveUp.class));
        }

        public ListBoxModel doFillLogItems() {
            return Choices.items(Labelled.labels(LogMode.class));
        }
    }
}
