package io.jenkins.plugins.selftest.agent;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jenkins.model.Jenkins;

/**
 * Every 15 minutes, on each online agent (and the built-in node) where docker or podman is installed, removes the
 * containers of {@code selfTest} runs that are no longer running: labelled {@code selftest=true} with a run id of
 * this plugin ({@link ActiveRuns#PREFIX}) that is not among {@link ActiveRuns}. They are left when an agent lost its
 * connection mid-run or its JVM was killed, which the step's own clean-up (at the end, on stop, on resume) cannot
 * reach. Engines named only by a build's {@code DOCKER_HOST} are cleaned by the step itself, not here.
 */
@Extension
public class StaleContainerReaper extends AsyncPeriodicWork {

    static final long PERIOD_MILLIS = TimeUnit.MINUTES.toMillis(15);
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    public StaleContainerReaper() {
        super("selfTest stale container reaper");
    }

    @Override
    public long getRecurrencePeriod() {
        return PERIOD_MILLIS;
    }

    @Override
    protected void execute(TaskListener listener) throws InterruptedException {
        Jenkins j = Jenkins.getInstanceOrNull();
        if (j == null) {
            return;
        }
        for (Computer c : j.getComputers()) {
            VirtualChannel channel = c.getChannel();
            if (channel == null || !c.isOnline()) {
                continue;
            }
            for (String line : reapOn(channel, ActiveRuns.snapshot())) {
                listener.getLogger().println((c.getName().isEmpty() ? "built-in node" : c.getName()) + ": " + line);
            }
        }
    }

    /** One agent: never throws; a failure becomes a line. */
    static List<String> reapOn(VirtualChannel channel, List<String> live) throws InterruptedException {
        try {
            return AgentLink.await(channel.callAsync(new SelfTestCalls.ReapStale(ActiveRuns.PREFIX, live)), CALL_TIMEOUT);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // AgentLink says a timeout as an IOException caused by the TimeoutException, having cancelled the call
            return List.of(e.getCause() instanceof TimeoutException
                    ? "no answer within " + CALL_TIMEOUT.toSeconds() + " s; trying again next time"
                    : "cannot reap stale selftest containers: " + e);
        }
    }
}
