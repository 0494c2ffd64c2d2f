package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.agent.ActiveRuns;
import io.jenkins.plugins.selftest.agent.SelfTestAgent;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.run.SetupException;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * The life the executions of {@code selfTest}, {@code selfTest(shard: n)}, {@code selfTestPlan} and
 * {@code selfTestPublish} share; each step's own execution, nested in it, says only what its {@link #work} is.
 *
 * <p>Like {@code SynchronousNonBlockingStepExecution} (which it does not extend so that unit tests over the API
 * stand-in can drive it), the work runs on a thread of its own, never on the CPS thread, and blocks on the agent
 * ({@link SelfTestAgent}): the engine runs the shards there, in the agent's JVM. Each start makes a run id
 * ({@link ActiveRuns#PREFIX}, the build number, a random part) that labels the run's processes and containers.
 *
 * <p>Not durable across a controller restart, on purpose: a run is bounded by its per-shard timeout, its results come
 * back in one piece, and rerunning tests is the honest answer to a restart. So {@link #onResume()} stops what the run
 * left on the agent (shard processes by cookie, containers by label) and fails the step saying so. {@link #stop}
 * interrupts the call (the engine then aborts the run: all shards at once, their process trees stopped and their
 * containers removed without a stop timeout, outcome {@code aborted}) and reaps by run id as well, which aborts the same
 * run if the interrupt has not arrived yet and logs {@code selfTest: aborted; stopped 2 shards in 0.8 s}.
 *
 * <p>Persisted (for {@link #onResume}): the context, the agent (how to reach the workspace's machine again), the run
 * id, the container runtime, the engine address and the container CLI's variables of the build's environment. What
 * only the work needs (its settings, the executor) is transient: after a restart there is no work, only the reap.
 */
abstract class SelfTestExecution extends StepExecution {

    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(SelfTestExecution.class.getName());

    /** The threads the work runs on, unless the execution was made with an executor of its own. */
    static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "selfTest step");
        t.setDaemon(true);
        return t;
    });

    /** The same context the superclass keeps; ours too, as the API stand-in's {@code getContext()} cannot run. */
    private final StepContext context;
    private final SelfTestAgent agent;
    /** What the work is, for the status: {@code run}, {@code shard}, {@code plan}, {@code publish}. */
    private final String activity;
    private final String runtime;
    private final String dockerHost;
    private final HashMap<String, String> cliEnvironment = new HashMap<>();
    private String runId;
    private volatile String status = "starting";
    private final AtomicBoolean completed = new AtomicBoolean();

    /** Null after a restart, when only the shared {@link #POOL} is left. */
    private final transient ExecutorService executor;
    private transient volatile Future<?> task;

    /**
     * @param activity   what the work is, for the status
     * @param runtime    the run's container runtime, for the reap ({@link Choices#NO_RUNTIME} for local processes)
     * @param dockerHost the run's engine address, for the reap; null for the build environment's
     * @param agent      the workspace's machine
     * @param executor   the threads the work runs on ({@link #POOL} in Jenkins)
     */
    SelfTestExecution(StepContext context, String activity, String runtime, String dockerHost, SelfTestAgent agent,
                      ExecutorService executor) {
        super(context);
        this.context = context;
        this.activity = activity;
        this.runtime = runtime;
        this.dockerHost = dockerHost;
        this.agent = agent;
        this.executor = executor;
    }

    /**
     * The step's work, on its own thread; what it returns is the step's result.
     *
     * @param environment the build's environment
     * @throws InterruptedException when {@link #stop} interrupted it; the step then ends with stop's cause
     */
    abstract Object work(Run<?, ?> run, TaskListener listener, Map<String, String> environment) throws Exception;

    @Override
    public StepContext getContext() {
        return context;
    }

    SelfTestAgent agent() {
        return agent;
    }

    String runId() {
        return runId;
    }

    @Override
    public final boolean start() throws Exception {
        StepContext c = getContext();
        Run<?, ?> run = c.get(Run.class);
        runId = ActiveRuns.PREFIX + run.getNumber() + "-" + UUID.randomUUID().toString().substring(0, 8);
        EnvVars env = c.get(EnvVars.class);
        Map<String, String> environment = env == null ? Map.of() : new LinkedHashMap<>(env);
        for (String v : ContainerRuntime.CLI_VARIABLES) {
            if (environment.get(v) != null) {
                cliEnvironment.put(v, environment.get(v));
            }
        }
        ActiveRuns.add(runId);
        status = activity + " " + runId + " on " + agent.describe();
        task = executor().submit(() -> {
            try {
                Object result = work(run, c.get(TaskListener.class), environment);
                complete(() -> c.onSuccess(result));
            } catch (InterruptedException e) {
                // stop() ends the step
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                complete(() -> c.onFailure(t));
            } finally {
                ActiveRuns.remove(runId);
            }
        });
        return false;
    }

    @Override
    public final void stop(Throwable cause) {
        Future<?> t = task;
        if (t != null) {
            t.cancel(true);
        }
        executor().submit(() -> {
            String reaped = reap();
            log("selfTest: " + (reaped.startsWith("aborted") ? reaped : "aborted; " + reaped));
            complete(() -> getContext().onFailure(cause));
            ActiveRuns.remove(runId);
        });
    }

    @Override
    public final void onResume() {
        executor().submit(() -> {
            String reaped = reap();
            complete(() -> getContext().onFailure(new AbortException(Messages.get("SelfTestStep.Resumed", reaped))));
        });
    }

    /** A safe restart waits for a running selfTest rather than cutting its tests short (it would not resume). */
    @Override
    public final boolean blocksRestart() {
        Future<?> t = task;
        return t != null && !t.isDone();
    }

    @Override
    public final String getStatus() {
        return "selfTest " + status;
    }

    /**
     * A call into the agent. A setup problem (no runtime, bad image, no tests, the project does not compile) and any
     * I/O failure become an {@link AbortException} naming the machine, which Pipeline prints without a stack trace.
     */
    <R> R onAgent(AgentCall<R> call) throws Exception {
        try {
            return call.call();
        } catch (SetupException e) {
            throw new AbortException(Messages.get("SelfTestStep.SetupFailed", agent.describe(), e.getMessage()));
        } catch (InterruptedException | AbortException e) {
            throw e;
        } catch (IOException e) {
            AbortException a = new AbortException("selfTest: " + e.getMessage() + " (" + agent.describe() + ")");
            a.initCause(e);
            throw a;
        }
    }

    /** One call of {@link #onAgent}. */
    interface AgentCall<R> {
        R call() throws Exception;
    }

    /** Stops what is left of this run on the agent; never throws, returns a line for the log. */
    private String reap() {
        if (runId == null) {
            return "nothing had started";
        }
        try {
            return agent.reap(runId, runtime, dockerHost, cliEnvironment);
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "cannot reap selfTest run " + runId, e);
            return "cannot clean up run " + runId + ": " + e.getMessage();
        }
    }

    private ExecutorService executor() {
        return executor != null ? executor : POOL;
    }

    private void complete(Runnable r) {
        if (completed.compareAndSet(false, true)) {
            r.run();
        }
    }

    private void log(String line) {
        try {
            TaskListener l = getContext().get(TaskListener.class);
            if (l != null) {
                l.getLogger().println(line);
            }
        } catch (IOException | InterruptedException e) {
            LOGGER.log(Level.FINE, "no log for: " + line, e);
        }
    }
}
