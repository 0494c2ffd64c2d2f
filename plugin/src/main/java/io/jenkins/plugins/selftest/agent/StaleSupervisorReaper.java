package io.jenkins.plugins.selftest.agent;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Computer;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.slaves.ComputerListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.FilePathUtils;

/**
 * Stops the services of {@code supervisedService} steps whose build is gone: a build lost at a controller restart
 * (or killed with its controller) never ran its step's stop, so its supervisor and services would run on the agent
 * forever. Goes through {@link SupervisorRegistry}: for each entry whose build no longer runs or no longer exists,
 * writes the stop request into the control directory on its node and, when no live supervisor answers within
 * {@link #GRACE}, stops the service trees directly by cookie ({@code SupervisorCalls.Reap}); then drops the entry.
 * Entries of running builds are left alone; entries of an offline node wait for it.
 *
 * <p>Runs {@value #INITIAL_DELAY_MINUTES} minutes after the controller starts (builds that resume have been loaded
 * by then), every {@value #PERIOD_MINUTES} minutes, and {@value #INITIAL_DELAY_MINUTES} minutes after an agent comes
 * online (for that agent). {@link #reapNow()} runs it at once, e.g. from the script console:
 * {@code io.jenkins.plugins.selftest.agent.StaleSupervisorReaper.reapNow().each { println it }}.
 */
@Extension
public class StaleSupervisorReaper extends AsyncPeriodicWork {

    private static final Logger LOGGER = Logger.getLogger(StaleSupervisorReaper.class.getName());

    static final long PERIOD_MINUTES = 5;
    static final long INITIAL_DELAY_MINUTES = 2;
    /** How long a live supervisor has to stop its services before they are stopped directly. */
    static final Duration GRACE = Duration.ofSeconds(30);
    static final Duration CALL_TIMEOUT = GRACE.multipliedBy(3);

    public StaleSupervisorReaper() {
        super("supervisedService stale supervisor reaper");
    }

    @Override
    public long getRecurrencePeriod() {
        return TimeUnit.MINUTES.toMillis(PERIOD_MINUTES);
    }

    @Override
    public long getInitialDelay() {
        return TimeUnit.MINUTES.toMillis(INITIAL_DELAY_MINUTES);
    }

    @Override
    protected void execute(TaskListener listener) throws InterruptedException {
        for (String line : reap(node -> true)) {
            listener.getLogger().println(line);
        }
    }

    /** Reaps every node now; one line per entry acted on. For the script console and tests. */
    public static List<String> reapNow() throws InterruptedException {
        return reap(node -> true);
    }

    /** Reaps the entries of the nodes {@code nodes} accepts; never throws for one entry's failure. */
    static synchronized List<String> reap(Predicate<String> nodes) throws InterruptedException {
        SupervisorRegistry registry = SupervisorRegistry.get();
        List<SupervisorRegistry.Entry> entries = registry.entries().stream().filter(e -> nodes.test(e.node())).toList();
        List<String> lines = new ArrayList<>();
        for (SupervisorRegistry.Decision d : SupervisorRegistry.decide(entries, StaleSupervisorReaper::buildState,
                StaleSupervisorReaper::nodeState)) {
            SupervisorRegistry.Entry e = d.entry();
            String where = AgentLink.describeNode(e.node()) + " " + e.controlDir();
            try {
                switch (d.action()) {
                    case KEEP, WAIT -> {
                        // the build's step owns it, or the node is not here to act on: next time
                    }
                    case DROP -> {
                        registry.remove(e.node(), e.controlDir());
                        lines.add(where + ": " + d.reason() + "; forgotten");
                    }
                    case REAP -> {
                        FilePath dir = FilePathUtils.find(e.node(), e.controlDir());
                        if (dir == null) {
                            continue; // went offline since the decision
                        }
                        String outcome;
                        try {
                            outcome = AgentLink.of(dir).act(new SupervisorCalls.Reap(GRACE), CALL_TIMEOUT);
                        } catch (IOException io) {
                            if (!(io.getCause() instanceof TimeoutException)) {
                                throw io;
                            }
                            lines.add(where + ": no answer within " + CALL_TIMEOUT.toSeconds() + " s; trying again next time");
                            continue;
                        }
                        registry.remove(e.node(), e.controlDir());
                        lines.add(where + ": " + d.reason() + "; " + outcome);
                    }
                    default -> throw new IllegalStateException("unknown action " + d.action());
                }
            } catch (InterruptedException ie) {
                throw ie;
            } catch (Exception ex) {
                LOGGER.log(Level.FINE, "cannot reap " + where, ex);
                lines.add(where + ": cannot reap (" + ex.getMessage() + "); trying again next time");
            }
        }
        lines.forEach(l -> LOGGER.info("supervisedService reaper: " + l));
        return lines;
    }

    /** Whether the build runs, as SYSTEM: a build that the current user cannot see must not look missing. */
    static SupervisorRegistry.BuildState buildState(String externalizableId) {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            Run<?, ?> run = Run.fromExternalizableId(externalizableId);
            if (run == null) {
                return SupervisorRegistry.BuildState.MISSING;
            }
            return run.isBuilding() ? SupervisorRegistry.BuildState.RUNNING : SupervisorRegistry.BuildState.FINISHED;
        } catch (IllegalArgumentException e) {
            return SupervisorRegistry.BuildState.MISSING; // not an id of a job that exists
        }
    }

    /** Missing: no node of that name (any more); online: its channel reaches the control directory's path. */
    static SupervisorRegistry.NodeState nodeState(SupervisorRegistry.Entry e) {
        if (!e.node().isEmpty() && Jenkins.get().getNode(e.node()) == null) {
            return SupervisorRegistry.NodeState.MISSING;
        }
        return FilePathUtils.find(e.node(), e.controlDir()) != null
                ? SupervisorRegistry.NodeState.ONLINE : SupervisorRegistry.NodeState.OFFLINE;
    }

    /** When an agent comes online: its entries, after the same delay as at controller start, off the agent's thread. */
    @Extension
    public static class OnOnline extends ComputerListener {
        @Override
        public void onOnline(Computer c, TaskListener listener) {
            Predicate<String> onlyThis = n -> n.equals(c.getName());
            Timer.get().schedule(() -> {
                try {
                    reap(onlyThis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOGGER.log(Level.WARNING, "reaping stale supervisors of " + c.getName() + " failed", e);
                }
            }, INITIAL_DELAY_MINUTES, TimeUnit.MINUTES);
        }
    }
}
