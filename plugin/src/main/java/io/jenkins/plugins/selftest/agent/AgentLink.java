package io.jenkins.plugins.selftest.agent;

import hudson.FilePath;
import hudson.remoting.Callable;
import hudson.remoting.Future;
import hudson.remoting.VirtualChannel;
import org.jenkinsci.plugins.workflow.FilePathUtils;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way the controller reaches an agent, for both steps: a node's name and a path on it, so it is found again
 * after a controller restart (durable-task keeps the same pair). Every call waits at most its timeout, an interrupted
 * wait cancels the call (which stops the work on the agent), and an agent that is not connected is
 * {@link Optional#empty()} or an {@link IOException} naming it, never a {@code NullPointerException}.
 *
 * <p>Serializable and immutable: it is part of the step executions' persisted state. A class, not a record, because
 * the Pipeline's program state is written with JBoss Marshalling, which does not know records.
 */
public final class AgentLink implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How long a short call (a poll, a launch, a stop request) may take before the agent counts as not answering. */
    public static final Duration SHORT_CALL = Duration.ofSeconds(30);

    private final String node;
    private final String path;

    private AgentLink(String node, String path) {
        this.node = node == null ? "" : node;
        this.path = path;
    }

    /** The link to {@code path}'s node and path. */
    public static AgentLink of(FilePath path) {
        return new AgentLink(FilePathUtils.getNodeName(path), path.getRemote());
    }

    /** The link to another path on the same node. */
    public AgentLink child(String remotePath) {
        return new AgentLink(node, remotePath);
    }

    /** The node's name, "" for the built-in node. */
    public String node() {
        return node;
    }

    /** The path on the node. */
    public String path() {
        return path;
    }

    /** The path, when its node is connected now. */
    public Optional<FilePath> find() {
        return Optional.ofNullable(FilePathUtils.find(node, path));
    }

    /** The path on a connected node. @throws IOException naming the node when it is not connected */
    public FilePath require() throws IOException {
        return find().orElseThrow(() -> new IOException(describe() + " is not connected"));
    }

    /** Runs {@code callable} on the path, waiting at most {@code timeout} (none when null). */
    public <T> T act(FilePath.FileCallable<T> callable, Duration timeout) throws Exception {
        return await(require().actAsync(callable), timeout);
    }

    /** As {@link #act}, or empty when the node is not connected. */
    public <T> Optional<T> actIfConnected(FilePath.FileCallable<T> callable, Duration timeout) throws Exception {
        Optional<FilePath> p = find();
        return p.isEmpty() ? Optional.empty() : Optional.ofNullable(await(p.get().actAsync(callable), timeout));
    }

    /** Runs {@code callable} on the node, waiting at most {@code timeout} (none when null); empty when not connected. */
    public <V, E extends Throwable> Optional<V> callIfConnected(Callable<V, E> callable, Duration timeout) throws Exception {
        Optional<FilePath> p = find();
        VirtualChannel channel = p.isEmpty() ? null : p.get().getChannel();
        return channel == null ? Optional.empty() : Optional.ofNullable(await(channel.callAsync(callable), timeout));
    }

    /** "agent 'x' (path)" or "the built-in node (path)", for messages. */
    public String describe() {
        return describeNode(node) + " (" + path + ")";
    }

    /** "agent 'x'", or "the built-in node" for {@code null} or "", for messages about a node. */
    public static String describeNode(String node) {
        return node == null || node.isEmpty() ? "the built-in node" : "agent '" + node + "'";
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Waits for a remote call. A timeout cancels it and says so; an interrupted wait (the step was stopped) cancels it
     * too, which interrupts the callable on the agent; the callable's own exception is thrown as itself.
     */
    static <T> T await(Future<T> f, Duration timeout) throws Exception {
        try {
            return timeout == null ? f.get() : f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IOException("the agent did not answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : e;
        }
    }
}
