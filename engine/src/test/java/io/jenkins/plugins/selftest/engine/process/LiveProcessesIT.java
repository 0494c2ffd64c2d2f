package io.jenkins.plugins.selftest.engine.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A stop (Ctrl-C's shutdown hook) that lands while a process is being started: the child already runs before
 * {@code ProcessBuilder.start()} returns, so the stop must wait for the start to register and stop it too.
 */
class LiveProcessesIT {

    @Test
    void stopWaitsForAStartInFlightAndStopsItsTree() throws Exception {
        LiveProcesses live = new LiveProcesses("run it");
        CountDownLatch spawned = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<LaunchedProcess> child = new AtomicReference<>();
        // a start whose child runs while the call has not returned yet (as a slow first ProcessBuilder.start() does)
        CompletableFuture<LaunchedProcess> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return live.start(() -> {
                    LaunchedProcess p = ProcessLauncher.start(LaunchSpec.shell("sleep 300 & sleep 300").build());
                    child.set(p);
                    spawned.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    return p;
                });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(spawned.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stop = CompletableFuture.runAsync(
                () -> live.stopAll(Signal.TERM, Duration.ofSeconds(5), Duration.ofSeconds(30)));
        Thread.sleep(300);
        assertThat(stop).as("waits for the start in flight").isNotDone();
        release.countDown();
        stop.get(30, TimeUnit.SECONDS);

        LaunchedProcess p = child.get();
        assertThat(starting.get(5, TimeUnit.SECONDS)).isEqualTo(p);
        assertThat(ProcessTree.isRunning(p.pid())).as("the shell").isFalse();
        assertThat(ProcessTree.withCookie(p.cookie())).as("its children").isEmpty();
        assertThat(live.stopping()).isTrue();
        assertThat(live.size()).isZero();
    }

    @Test
    void noProcessStartsOnceStopping() throws Exception {
        LiveProcesses live = new LiveProcesses("run it");
        live.stopAll(Signal.TERM, Duration.ofSeconds(1), Duration.ofSeconds(1));
        AtomicReference<Boolean> called = new AtomicReference<>(false);

        assertThatThrownBy(() -> live.start(() -> {
            called.set(true);
            return ProcessLauncher.start(LaunchSpec.argv("sleep", "300").build());
        })).isInstanceOf(IOException.class).hasMessage("run it is stopping: no new process is started");
        assertThat(called.get()).as("the starter was not called").isFalse();
    }

    @Test
    void stopsEveryRegisteredTreeAtOnce() throws Exception {
        LiveProcesses live = new LiveProcesses("run it");
        LaunchedProcess a = live.start(() -> ProcessLauncher.start(LaunchSpec.shell("sleep 300 & wait").build()));
        LaunchedProcess b = live.start(() -> ProcessLauncher.start(LaunchSpec.shell("trap '' TERM; sleep 300 & wait").build()));
        Thread.sleep(200);
        long t0 = System.nanoTime();

        var results = live.stopAll(Signal.TERM, Duration.ofMillis(500), Duration.ofSeconds(5));

        assertThat(results).hasSize(2);
        // the grace, then KILL: bounded
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        for (LaunchedProcess p : java.util.List.of(a, b)) {
            assertThat(p.process().isAlive()).isFalse();
            assertThat(ProcessTree.withCookie(p.cookie())).isEmpty();
        }
    }
}
