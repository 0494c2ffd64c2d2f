package io.jenkins.plugins.selftest.engine.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A started process with the cookie that marks its whole tree.
 *
 * @param process the JVM's handle; its exit future reaps it, so it never stays a zombie
 * @param cookie  value of {@link ProcessLauncher#COOKIE_VARIABLE} in its environment and its descendants'
 */
public record LaunchedProcess(Process process, String cookie) {

    public long pid() {
        return process.pid();
    }

    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Stops the whole tree: see {@link ProcessTree#stop(long, String, Signal, Duration)}. */
    public ProcessTree.StopResult stop(Signal signal, Duration grace) {
        ProcessTree.StopResult result = ProcessTree.stop(pid(), cookie, signal, grace);
        process.onExit().join();
        return result;
    }
}
