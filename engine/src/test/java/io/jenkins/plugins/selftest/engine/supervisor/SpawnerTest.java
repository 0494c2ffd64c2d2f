package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spawn queue, the launch of a run and the program check, without starting a process. */
class SpawnerTest {

    @TempDir
    Path tmp;

    private static Spawner.Request request(String service, int run) {
        return new Spawner.Request(ServiceSpec.shell(service, "sleep 60").build(), run, "sup." + service + "." + run);
    }

    @Test
    void aServiceHasAtMostOneQueuedSpawn() throws IOException {
        Spawner spawner = new Spawner(new ControlDirectory(tmp).create(), 2, Spawner.Launcher.blocking(spec -> {
            throw new IOException("not started");
        }), new Recorder());

        assertThat(spawner.submit(request("api", 1))).isTrue();
        assertThat(spawner.submit(request("api", 2))).isFalse();
        assertThat(spawner.submit(request("db", 1))).isTrue();
        assertThatThrownBy(() -> spawner.submit(request("web", 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spawn queue full");
    }

    @Test
    void aFailedLaunchIsReportedAndARequestNoLongerWantedIsDropped() throws Exception {
        Recorder outcomes = new Recorder();
        outcomes.unwanted = "db";
        Spawner spawner = new Spawner(new ControlDirectory(tmp).create(), 2, Spawner.Launcher.blocking(spec -> {
            throw new IOException("fork failed");
        }), outcomes);
        spawner.start(Thread::new);
        try {
            spawner.submit(request("db", 1));
            assertThat(outcomes.asked.poll(10, TimeUnit.SECONDS)).isEqualTo("db");
            spawner.submit(request("api", 1));

            assertThat(outcomes.failures.poll(10, TimeUnit.SECONDS)).isEqualTo("api 1: fork failed");
        } finally {
            spawner.close(Duration.ofSeconds(5));
        }
        assertThat(outcomes.failures).as("db was dropped without an outcome").isEmpty();
    }

    @Test
    void anArmWaitsUntilNoStartIsUnderWayAndIsThenMadeOnTheOwnersThread() throws Exception {
        CompletableFuture<LaunchedProcess> dbStart = new CompletableFuture<>();
        BlockingQueue<String> launched = new LinkedBlockingQueue<>();
        BlockingQueue<Runnable> ownerTasks = new LinkedBlockingQueue<>();
        List<String> armedCalls = new CopyOnWriteArrayList<>();
        Spawner.Launcher launcher = spec -> {
            launched.add(spec.environment().get("SELFTEST_SERVICE"));
            return dbStart;
        };
        Spawner.Armer armer = (afterPid, skip, spec) -> {
            armedCalls.add(spec.environment().get("SELFTEST_SERVICE") + " after " + afterPid);
            throw new IllegalStateException("no keeper in this test");
        };
        Spawner spawner = new Spawner(new ControlDirectory(tmp).create(), 3, launcher, Optional.of(armer), ownerTasks::add,
                new Recorder());
        spawner.start(Thread::new);
        try {
            spawner.submit(request("db", 1));
            assertThat(launched.poll(10, TimeUnit.SECONDS)).isEqualTo("db");

            spawner.arm(request("api", 2), 4242, Set.of(127));
            spawner.arm(request("web", 2), 4343, Set.of(127));
            spawner.disarm("web");
            assertThat(ownerTasks).as("nothing is armed while db's start is under way").isEmpty();
            assertThat(armedCalls).isEmpty();

            dbStart.completeExceptionally(new IOException("fork failed"));
            Runnable arming = ownerTasks.poll(10, TimeUnit.SECONDS);
            assertThat(arming).as("the arms are handed to the owner once db's start is done").isNotNull();
            assertThatThrownBy(arming::run).hasMessage("no keeper in this test");
            assertThat(armedCalls).as("api is armed; web was disarmed while it waited").containsExactly("api after 4242");
        } finally {
            spawner.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void theCommandRunsWithItsExitRecordedInTheRunsFilesWithTheRunsEnvironmentAndCookie() throws IOException {
        ControlDirectory dir = new ControlDirectory(tmp.resolve("ctl")).create();
        ServiceSpec api = ServiceSpec.builder("api", List.of("java", "-jar", "app.jar")).env("PORT", "8080")
                .workingDir(tmp.toString()).build();

        LaunchSpec launch = Spawner.launchSpec(dir, new Spawner.Request(api, 3, "sup.api.3"));

        assertThat(launch.command()).containsExactly("java", "-jar", "app.jar");
        assertThat(launch.exitRecord()).contains(new LaunchSpec.ExitRecord(dir.spawnFile("api", 3), dir.exitFile("api", 3)));
        assertThat(launch.environment()).isEqualTo(Map.of("PORT", "8080", "SELFTEST_SERVICE", "api", "SELFTEST_RUN", "3",
                "SELFTEST_CONTROL_DIR", dir.path().toString()));
        assertThat(launch.cookie()).contains("sup.api.3");
        assertThat(launch.workingDir()).contains(tmp);
        assertThat(launch.output()).isEqualTo(new LaunchSpec.Output.ToFile(dir.logFile("api"), true));
    }

    @Test
    void aProgramIsLookedUpOnTheServicesPathOrAtItsPath() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path tool = Files.createFile(bin.resolve("tool"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createFile(bin.resolve("data"));
        String path = bin.toString();

        assertThat(Spawner.missingProgram(argv(path, "tool"))).isEmpty();
        assertThat(Spawner.missingProgram(argv(path, tool.toString()))).isEmpty();
        assertThat(Spawner.missingProgram(argv(path, "other"))).contains("command 'other' not found on PATH " + path
                + ": install it or give its full path");
        assertThat(Spawner.missingProgram(argv(path, bin.resolve("data").toString()))).get().asString()
                .endsWith("is not executable: chmod +x it or run it through sh");
        assertThat(Spawner.missingProgram(argv(path, bin.resolve("gone").toString()))).get().asString()
                .endsWith("does not exist: fix the path or install it");
    }

    @Test
    void anExitCodeCountsOnceTheWrapperWroteItWhole() throws IOException {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        Files.writeString(dir.exitFile("api", 1), "143\n");
        Files.writeString(dir.exitFile("api", 2), "1");

        assertThat(Spawner.awaitExitCode(dir, "api", 1)).contains(143);
        assertThat(Spawner.awaitExitCode(dir, "api", 2)).isEmpty();
    }

    private static ServiceSpec argv(String path, String program) {
        return ServiceSpec.builder("svc", List.of(program, "--serve")).env("PATH", path).build();
    }

    /** Records what the spawner reports. */
    private static final class Recorder implements Spawner.Listener {
        final BlockingQueue<String> asked = new LinkedBlockingQueue<>();
        final BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        volatile String unwanted = "";

        @Override
        public boolean wanted(Spawner.Request request) {
            asked.add(request.spec().name());
            return !request.spec().name().equals(unwanted);
        }

        @Override
        public void spawned(Spawner.Request request, LaunchedProcess process, Optional<Long> startTicks, Instant at,
                            long logOffset) {
            throw new AssertionError("nothing is launched");
        }

        @Override
        public void failed(Spawner.Request request, String why) {
            failures.add(request.spec().name() + " " + request.run() + ": " + why);
        }

        @Override
        public void exited(Spawner.Request request, int code) {
            throw new AssertionError("nothing is launched");
        }
    }
}
