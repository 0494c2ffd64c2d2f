package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.ContainerServiceIT.IMAGE;
import static io.jenkins.plugins.selftest.engine.supervisor.ContainerServiceIT.get;
import static io.jenkins.plugins.selftest.engine.supervisor.ContainerServiceIT.leftovers;
import static io.jenkins.plugins.selftest.engine.supervisor.ContainerServiceIT.podman;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.container.Containers;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container services under a detached daemon that dies: the container is adopted with its client, restarted by its
 * policy when its client died too, and reaped (container, network, volume) when nobody resumes the block.
 */
class ContainerServiceDaemonIT {

    @TempDir
    Path tmp;

    private SupervisorClient client;

    @BeforeEach
    void assumeServiceImage() throws IOException {
        Containers.assumePodman();
        assertThat(podman(List.of("image", "exists", IMAGE)).ok()).as("scripts/build-service-image.sh").isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.requestStop();
            client.awaitStopped(Duration.ofSeconds(30));
            new Reaper(Containers.podman()).reap(Optional.of(ContainerBlock.RUN_PREFIX + ContainerBlock.idOf(client.controlDirectory().path())),
                    1, Duration.ofMillis(200));
        }
    }

    private SupervisorClient launch() throws Exception {
        SupervisorSpec spec = new SupervisorSpec(List.of(
                ServiceSpec.container("web", ContainerPart.of(IMAGE).withPorts("8080").withRuntime("podman").withVolumes("data:/data"))
                        .restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).stopTimeout(Duration.ofSeconds(5))
                        .ready(Readiness.http("/health")).build()),
                Duration.ofMillis(300), Duration.ofSeconds(1));
        client = SupervisorClient.launch(tmp.resolve("ctl"), spec, DaemonLauncher.currentJvm());
        await("web ready", Duration.ofSeconds(90), () -> web().map(w -> w.state() == ServiceState.READY).orElse(false));
        return client;
    }

    private Optional<ServiceStatus> web() {
        try {
            return client.state().flatMap(s -> s.service("web"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private String containerId(String name) throws IOException {
        return podman(List.of("inspect", "--format", "{{.Id}} {{.State.Status}}", name)).output().strip();
    }

    private long killDaemon() throws Exception {
        long daemon = client.owner().orElseThrow().pid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("daemon dead", Duration.ofSeconds(10), () -> !ProcessTree.isRunning(daemon));
        await("heartbeat stale", Duration.ofSeconds(10), () -> {
            try {
                return client.isStale();
            } catch (IOException e) {
                return false;
            }
        });
        return daemon;
    }

    private void killClient(ServiceStatus web) {
        ProcessTree.stop(web.pid().orElseThrow(), web.cookie().orElseThrow(), Signal.KILL, Duration.ZERO);
    }

    @Test
    void aResumedDaemonAdoptsTheLiveContainerWithItsPorts() throws Exception {
        launch();
        ServiceStatus before = web().orElseThrow();
        String id = containerId(before.container().orElseThrow());
        long daemon = killDaemon();
        assertThat(get("http://127.0.0.1:" + before.ports().get("8080") + "/health")).as("serves without its supervisor")
                .isEqualTo("200 ok");

        client.resume(DaemonLauncher.currentJvm());

        await("adopted", Duration.ofSeconds(60), () -> {
            try {
                return client.owner().map(o -> o.pid() != daemon).orElse(false)
                        && web().map(w -> w.state() == ServiceState.READY && w.pid().equals(before.pid())).orElse(false);
            } catch (IOException e) {
                return false;
            }
        });
        ServiceStatus after = web().orElseThrow();
        assertThat(after.ports()).isEqualTo(before.ports());
        assertThat(after.run()).isEqualTo(1);
        assertThat(containerId(after.container().orElseThrow())).isEqualTo(id);

        client.requestStop();
        assertThat(client.awaitStopped(Duration.ofSeconds(30))).isTrue();
        assertThat(leftovers(client.controlDirectory().path())).isEmpty();
    }

    @Test
    void whenTheDaemonAndTheClientDiedTheResumeRestartsTheContainerByItsPolicyOnTheSamePort() throws Exception {
        launch();
        ServiceStatus before = web().orElseThrow();
        String id = containerId(before.container().orElseThrow());
        killDaemon();
        killClient(before);
        assertThat(containerId(before.container().orElseThrow())).as("the engine keeps it running").isEqualTo(id)
                .endsWith("running");

        client.resume(DaemonLauncher.currentJvm());

        await("restarted", Duration.ofSeconds(90), () -> web().map(w -> w.state() == ServiceState.READY && w.run() == 2).orElse(false));
        ServiceStatus after = web().orElseThrow();
        assertThat(after.restarts()).isEqualTo(1);
        assertThat(after.ports()).isEqualTo(before.ports());
        assertThat(containerId(after.container().orElseThrow())).as("the leftover was replaced").isNotEqualTo(id);
        assertThat(get("http://127.0.0.1:" + after.ports().get("8080") + "/health")).isEqualTo("200 ok");
    }

    @Test
    void stopOrKillWithoutAnAnsweringDaemonLeavesNoContainerNetworkNorVolume() throws Exception {
        launch();
        Path ctl = client.controlDirectory().path();
        assertThat(leftovers(ctl)).hasSize(3);
        killDaemon();

        SupervisorClient.StopOutcome out = client.stopOrKill(Duration.ofSeconds(2));

        assertThat(out.byDaemon()).isFalse();
        assertThat(leftovers(ctl)).isEmpty();
        client = null;
    }

    @Test
    void theReaperRemovesTheContainerNetworkAndVolumeOfABlockWhoseSupervisorAndClientAreGone() throws Exception {
        launch();
        ServiceStatus web = web().orElseThrow();
        Path ctl = client.controlDirectory().path();
        Reaper reaper = new Reaper(Containers.podman());

        reaper.reapFinished(0, Duration.ZERO);
        assertThat(leftovers(ctl)).as("a live block is kept").hasSize(3);

        killDaemon();
        killClient(web);
        Reaper.Result r = reaper.reapFinished(1, Duration.ofMillis(200));

        assertThat(r.problems()).noneMatch(p -> p.contains("selftest-" + ContainerBlock.idOf(ctl)));
        assertThat(leftovers(ctl)).isEmpty();
        client = null; // nothing left to stop
    }
}
