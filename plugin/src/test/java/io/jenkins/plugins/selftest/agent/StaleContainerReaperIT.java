package io.jenkins.plugins.selftest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.container.RunOwner;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The periodic clean-up on an agent with podman: over Jenkins runs go, live ones and the CLI's stay. */
class StaleContainerReaperIT {

    private static final ContainerRuntime PODMAN = ContainerRuntime.of("podman", Optional.empty(), Map.of());

    @Test
    void removesContainersOfJenkinsRunsThatAreOverOnly() throws Exception {
        assumePodman();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String over = ActiveRuns.PREFIX + "over-" + id;
        String live = ActiveRuns.PREFIX + "live-" + id;
        String cli = "20261121-" + id;
        for (String run : List.of(over, live, cli)) {
            CliResult r = PODMAN.exec(List.of("run", "-d", "--label", "selftest=true", "--label", "selftest.run=" + run,
                    "-v", "/usr:/usr:ro", "--network", "none", SelfTestOptions.DEFAULT_IMAGE, "/bin/sh", "-c", "sleep 300"),
                    Duration.ofSeconds(90));
            assertThat(r.ok()).as(r.output()).isTrue();
        }
        ActiveRuns.add(live);
        try {
            List<String> lines = StaleContainerReaper.reapOn(new LocalChannel(), ActiveRuns.snapshot());

            assertThat(ofRun(over)).isEmpty();
            assertThat(ofRun(live)).hasSize(1);
            assertThat(ofRun(cli)).hasSize(1);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podman: removed "));
        } finally {
            ActiveRuns.remove(live);
            for (String run : List.of(over, live, cli)) {
                new Reaper(PODMAN).reap(Optional.of(run), 2, Duration.ofMillis(200));
            }
        }
    }

    @Test
    void removesWhatAServiceBlockLeftWhenItsClientAndSupervisorAreGone() throws Exception {
        assumePodman();
        String run = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        // an owner that is over: a process of this host that has ended
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        List<String> labels = List.of("--label", "selftest=true", "--label", "selftest.run=" + run,
                "--label", ContainerRuntime.KIND_LABEL + "=service",
                "--label", RunOwner.HOST_LABEL + "=" + java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip(),
                "--label", RunOwner.PID_LABEL + "=" + gone.pid(), "--label", RunOwner.START_LABEL + "=1");
        List<String> network = new java.util.ArrayList<>(List.of("network", "create"));
        network.addAll(labels);
        network.add("selftest-" + run);
        assertThat(PODMAN.exec(network, Duration.ofSeconds(60)).ok()).isTrue();
        List<String> container = new java.util.ArrayList<>(List.of("run", "-d"));
        container.addAll(labels);
        container.addAll(List.of("-v", "/usr:/usr:ro", "--network", "selftest-" + run, SelfTestOptions.DEFAULT_IMAGE,
                "/bin/sh", "-c", "sleep 300"));
        CliResult started = PODMAN.exec(container, Duration.ofSeconds(90));
        assertThat(started.ok()).as(started.output()).isTrue();
        try {
            List<String> lines = StaleContainerReaper.reapOn(new LocalChannel(), ActiveRuns.snapshot());

            assertThat(ofRun(run)).as("the block's container").isEmpty();
            assertThat(PODMAN.exec(List.of("network", "exists", "selftest-" + run), Duration.ofSeconds(30)).ok())
                    .as("the block's network").isFalse();
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("of ended runs and service blocks"));
        } finally {
            new Reaper(PODMAN).reap(Optional.of(run), 2, Duration.ofMillis(200));
            PODMAN.exec(List.of("network", "rm", "-f", "selftest-" + run), Duration.ofSeconds(30));
        }
    }

    private static List<String> ofRun(String run) throws IOException {
        return PODMAN.list(Reaper.selector(Optional.of(run)));
    }

    private static void assumePodman() {
        try {
            PODMAN.checkAvailable();
            PODMAN.imageLabels(SelfTestOptions.DEFAULT_IMAGE);
        } catch (IOException e) {
            String msg = "podman cannot run " + SelfTestOptions.DEFAULT_IMAGE + " here (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true, so this container test fails instead of skipping: " + msg);
            }
            Assumptions.abort(msg);
        }
    }

    /** An agent channel that runs callables in this JVM, as the built-in node's does. */
    static final class LocalChannel implements VirtualChannel {
        @Override
        public <V, T extends Throwable> V call(Callable<V, T> callable) throws T {
            return callable.call();
        }

        @Override
        public <V, T extends Throwable> hudson.remoting.Future<V> callAsync(Callable<V, T> callable) {
            CompletableFuture<V> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return callable.call();
                } catch (Throwable t) {
                    throw new java.util.concurrent.CompletionException(t);
                }
            });
            return new hudson.remoting.Future<>() {
                @Override
                public boolean cancel(boolean b) {
                    return f.cancel(b);
                }

                @Override
                public boolean isCancelled() {
                    return f.isCancelled();
                }

                @Override
                public boolean isDone() {
                    return f.isDone();
                }

                @Override
                public V get() throws InterruptedException, ExecutionException {
                    return f.get();
                }

                @Override
                public V get(long t, TimeUnit u) throws InterruptedException, ExecutionException, TimeoutException {
                    return f.get(t, u);
                }
            };
        }
    }
}
