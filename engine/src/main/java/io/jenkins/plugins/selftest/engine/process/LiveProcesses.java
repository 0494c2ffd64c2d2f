package io.jenkins.plugins.selftest.engine.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The processes of one owner (a self-test run) that a stop, typically from a JVM shutdown hook on Ctrl-C, must end
 * before the JVM does.
 *
 * <p>A process counts from the moment its start begins, not from when {@link ProcessLauncher#start} returns: the
 * child runs (and may already have done visible work) well before the JVM's first {@code ProcessBuilder.start()}
 * returns. So {@link #start} holds a shared lock from the check "not stopping" until the process is registered, and
 * {@link #stopAll} takes the exclusive lock first: it waits for starts in flight, then marks the owner stopping (every
 * later start is refused with an {@link IOException}), and only then stops the registered trees. Nothing can start
 * unseen while the owner stops.
 *
 * <p>Thread-safe. Nothing is persisted.
 */
public final class LiveProcesses {

    /** Starts one process, typically {@code () -> ProcessLauncher.start(spec)}. */
    @FunctionalInterface
    public interface Starter {
        LaunchedProcess start() throws IOException;
    }

    private final String owner;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<LaunchedProcess> live = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** @param owner what the processes belong to, for messages ("run 2026...") */
    public LiveProcesses(String owner) {
        this.owner = owner;
    }

    /**
     * Starts a process and registers it, unless the owner is stopping.
     *
     * @throws IOException when the owner is stopping (nothing was started), or from the starter
     */
    public LaunchedProcess start(Starter starter) throws IOException {
        lock.readLock().lock();
        try {
            if (stopping) {
                throw new IOException(owner + " is stopping: no new process is started");
            }
            LaunchedProcess p = starter.start();
            live.add(p);
            return p;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Forgets a process that has ended (or was stopped by its own caller). */
    public void finished(LaunchedProcess p) {
        live.remove(p);
    }

    /** Whether {@link #stopAll} has begun: no new process starts. */
    public boolean stopping() {
        return stopping;
    }

    /** Registered processes not yet {@link #finished}. */
    public int size() {
        return live.size();
    }

    /**
     * Stops every registered process tree at once ({@link ProcessTree#stopAll}: {@code signal}, {@code grace}, then
     * KILL until nothing of any tree is left) and waits, bounded, for the JVM to see each root's exit. Starts in
     * flight are waited for first, up to {@code startWait}; a start that is still inside the starter after that
     * (a hung spawn) is not in this stop, which is why a caller whose processes carry a known cookie sweeps by cookie
     * afterwards. Returns when the trees are gone: about {@code grace} plus the KILL passes at most.
     *
     * @return one result per tree stopped
     */
    public List<ProcessTree.StopResult> stopAll(Signal signal, Duration grace, Duration startWait) {
        boolean locked = false;
        try {
            locked = lock.writeLock().tryLock(startWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping = true;
        if (locked) {
            lock.writeLock().unlock();
        }
        List<LaunchedProcess> targets = List.copyOf(live);
        List<ProcessTree.StopResult> results = ProcessTree.stopAll(
                targets.stream().map(p -> new ProcessTree.Tree(p.pid(), p.cookie(), signal, grace)).toList());
        for (LaunchedProcess p : targets) {
            try {
                p.onExit().get(grace.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the tree is gone from /proc; the JVM's reaper just has not caught up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            live.remove(p);
        }
        return results;
    }
}
