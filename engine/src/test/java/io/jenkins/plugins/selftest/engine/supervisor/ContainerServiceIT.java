package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.inState;
import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Containers;
import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container services with real podman and the local service image (scripts/build-service-image.sh): readiness by
 * every probe kind, ports that never collide, restart by policy, and a stop that leaves nothing behind.
 */
class ContainerServiceIT {

    static final String IMAGE = "localhost/selftest-service:latest";

    @TempDir
    Path tmp;

    private final List<Supervisor> supervisors = new ArrayList<>();

    @BeforeEach
    void assumeServiceImage() throws IOException {
        Containers.assumePodman();
        assertThat(podman(List.of("image", "exists", IMAGE)).ok())
                .as("the service image is built by scripts/build-service-image.sh (.ci/run calls it)").isTrue();
    }

    @AfterEach
    void stopAll() {
        supervisors.forEach(s -> s.stop("test over"));
    }

    static CliResult podman(List<String> args) throws IOException {
        return Containers.podman().exec(args, Duration.ofSeconds(60));
    }

    /** Names of the containers, networks and volumes of a block (by its run label), each listing on its own. */
    static List<String> leftovers(Path controlDir) throws IOException {
        String label = "label=" + ContainerRuntime.RUN_LABEL + "=" + ContainerBlock.RUN_PREFIX + ContainerBlock.idOf(controlDir);
        List<String> out = new ArrayList<>();
        out.addAll(lines(podman(List.of("ps", "-a", "--filter", label, "--format", "container {{.Names}}"))));
        out.addAll(lines(podman(List.of("network", "ls", "--filter", label, "--format", "network {{.Name}}"))));
        out.addAll(lines(podman(List.of("volume", "ls", "--filter", label, "--format", "volume {{.Name}}"))));
        return out;
    }

    private static List<String> lines(CliResult r) {
        assertThat(r.ok()).as(r.output()).isTrue();
        return r.output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().strip();
    }

    private Supervisor start(Path ctl, ServiceSpec... services) throws IOException {
        Supervisor s = Supervisor.start(new ControlDirectory(ctl), SupervisorSpec.of(services),
                Supervisor.Options.fresh("ct" + Math.abs(ctl.hashCode() % 10000)));
        supervisors.add(s);
        return s;
    }

    /** A process service on the host: busybox httpd on $PORT, which records the variables it was given. */
    private ServiceSpec hostServer(String name, Path dir, String... dependsOn) throws IOException {
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/index.html"), name + "\n");
        return ServiceSpec.shell(name, "env | grep '^SERVICE_\\|^PORT=' | sort > " + dir.resolve("env.txt")
                        + "; exec busybox httpd -f -p 127.0.0.1:$PORT -h " + dir.resolve("www"))
                .port(ServiceSpec.AUTO_PORT).ready(Readiness.ownPort()).dependsOn(dependsOn).build();
    }

    private static ServiceSpec webContainer(String name, Readiness ready, String... volumes) {
        return ServiceSpec.container(name, ContainerPart.of(IMAGE).withPorts("8080").withRuntime("podman").withVolumes(volumes))
                .env("GREETING", "hi from " + name).ready(ready.withTimeout(Duration.ofSeconds(60)))
                .stopTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void aContainerServiceIsReadyByEveryProbeAndTheDependentProcessAndTheBodyReachItThroughTheVariables() throws Exception {
        Readiness all = Readiness.http("/health").and(Readiness.log("serving on 8080")).and(Readiness.ownPort())
                .and(Readiness.exec(List.of("/bin/sh", "-c", "test -f /www/health"))).and(Readiness.healthy());
        Path ctl = tmp.resolve("ctl");
        Supervisor s = start(ctl, webContainer("web", all), hostServer("api", tmp.resolve("api"), "web"));

        await("both ready", Duration.ofSeconds(90), () -> inState(s, "web", ServiceState.READY) && inState(s, "api", ServiceState.READY));
        ServiceStatus web = status(s, "web");
        ServiceStatus api = status(s, "api");
        assertThat(web.container()).contains("selftest-" + ContainerBlock.idOf(ctl) + "-web");
        assertThat(web.host()).contains("127.0.0.1");
        assertThat(web.ports()).containsOnlyKeys("8080");
        assertThat(api.ports()).containsOnlyKeys("PORT");
        int webPort = web.ports().get("8080");
        int apiPort = api.ports().get("PORT");
        assertThat(webPort).isBetween(PortAllocator.FIRST, PortAllocator.LAST).isNotEqualTo(apiPort);
        assertThat(SupervisorTesting.events(s, "web", SupervisorEvent.Type.READY).get(0).message())
                .contains("http http://127.0.0.1:" + webPort + "/health", "log /serving on 8080/", "port 127.0.0.1:" + webPort,
                        "exec /bin/sh -c test -f /www/health", "healthcheck of " + web.container().get());

        Map<String, String> body = ServiceEndpoints.environment(s.state().services());
        assertThat(body).containsEntry("SERVICE_WEB_HOST", "127.0.0.1").containsEntry("SERVICE_WEB_PORT", "" + webPort)
                .containsEntry("SERVICE_API_PORT", "" + apiPort);
        assertThat(get("http://" + body.get("SERVICE_WEB_HOST") + ":" + body.get("SERVICE_WEB_PORT") + "/"))
                .isEqualTo("200 hi from web");
        assertThat(get("http://127.0.0.1:" + body.get("SERVICE_API_PORT") + "/")).isEqualTo("200 api");
        assertThat(Files.readString(tmp.resolve("api/env.txt"))).isEqualTo(
                "PORT=" + apiPort + "\nSERVICE_WEB_HOST=127.0.0.1\nSERVICE_WEB_PORT=" + webPort + "\n");
        // published on loopback only: what the image exposes is not opened to the network
        assertThat(podman(List.of("port", web.container().get())).output().strip()).isEqualTo("8080/tcp -> 127.0.0.1:" + webPort);
        assertThat(Files.readString(new ControlDirectory(ctl).logFile("web"))).contains("serving on 8080");
    }

    @Test
    void containersOfABlockReachEachOtherByServiceNameAndGetTheirVariables() throws Exception {
        Path ctl = tmp.resolve("ctl");
        ServiceSpec probe = ServiceSpec.builder("probe", List.of("/bin/sh", "-c", "echo \"dep=$SERVICE_WEB_HOST:$SERVICE_WEB_PORT\";"
                        + " wget -q -O - http://$SERVICE_WEB_HOST:$SERVICE_WEB_PORT/; sleep 300"))
                .container(ContainerPart.of(IMAGE).withRuntime("podman"))
                .dependsOn("web").ready(Readiness.log("hi from web")).build();
        Supervisor s = start(ctl, webContainer("web", Readiness.http("/health")), probe);

        await("probe ready", Duration.ofSeconds(90), () -> inState(s, "probe", ServiceState.READY));
        assertThat(Files.readString(new ControlDirectory(ctl).logFile("probe"))).contains("dep=web:8080", "hi from web");
    }

    @Test
    void twoBlocksAskingForAutoPortsAtOnceGetDifferentPortsAndBothServe() throws Exception {
        List<Supervisor> both = new ArrayList<>();
        List<Thread> starts = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String b : List.of("one", "two")) {
            ServiceSpec web = webContainer("web", Readiness.http("/health"));
            ServiceSpec api = hostServer("api", tmp.resolve(b));
            Thread t = new Thread(() -> {
                try {
                    Supervisor s = start(tmp.resolve("ctl-" + b), web, api);
                    synchronized (both) {
                        both.add(s);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            starts.add(t);
            t.start();
        }
        for (Thread t : starts) {
            t.join();
        }
        assertThat(failures).isEmpty();
        List<Integer> ports = new ArrayList<>();
        for (Supervisor s : both) {
            await("ready", Duration.ofSeconds(90), () -> inState(s, "web", ServiceState.READY) && inState(s, "api", ServiceState.READY));
            ports.add(status(s, "web").ports().get("8080"));
            ports.add(status(s, "api").ports().get("PORT"));
        }
        assertThat(ports).doesNotHaveDuplicates().hasSize(4);
        for (Supervisor s : both) {
            assertThat(get("http://127.0.0.1:" + status(s, "web").ports().get("8080") + "/")).isEqualTo("200 hi from web");
            assertThat(get("http://127.0.0.1:" + status(s, "api").ports().get("PORT") + "/")).isEqualTo("200 api");
        }
        for (Supervisor s : both) {
            for (ServiceStatus st : s.state().services()) {
                for (int port : st.ports().values()) {
                    assertThat(Files.exists(Path.of("/tmp/selftest-ports/" + port))).as("reserved while it runs").isTrue();
                }
            }
        }
    }

    @Test
    void aKilledContainerIsRestartedByItsPolicyOnTheSamePort() throws Exception {
        Path ctl = tmp.resolve("ctl");
        Supervisor s = start(ctl, ServiceSpec.container("web", ContainerPart.of(IMAGE).withPorts("8080").withRuntime("podman"))
                .restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).ready(Readiness.http("/health")).build());
        await("ready", Duration.ofSeconds(90), () -> inState(s, "web", ServiceState.READY));
        int port = status(s, "web").ports().get("8080");
        String first = podman(List.of("inspect", "--format", "{{.Id}}", status(s, "web").container().get())).output().strip();

        assertThat(podman(List.of("kill", status(s, "web").container().get())).ok()).isTrue();

        await("restarted and ready", Duration.ofSeconds(90), () -> status(s, "web").restarts() == 1 && inState(s, "web", ServiceState.READY));
        assertThat(status(s, "web").lastExit().orElseThrow().code()).isEqualTo(137);
        String second = podman(List.of("inspect", "--format", "{{.Id}}", status(s, "web").container().get())).output().strip();
        assertThat(second).as("a new container in place of the killed one").isNotEqualTo(first);
        assertThat(status(s, "web").ports().get("8080")).isEqualTo(port);
        assertThat(get("http://127.0.0.1:" + port + "/")).isEqualTo("200 hello from selftest-service");
    }

    @Test
    void theStopLeavesNoContainerNetworkVolumeNorPortReservation() throws Exception {
        Path ctl = tmp.resolve("ctl");
        Path ws = Path.of("").toAbsolutePath();
        Path fixtures = Files.createTempDirectory(ws.resolve("target"), "fixtures");
        Files.writeString(fixtures.resolve("f.txt"), "from the workspace");
        String rel = ws.relativize(fixtures).toString();
        Supervisor s = start(ctl, webContainer("web", Readiness.exec(List.of("/bin/sh", "-c", "echo kept > /data/x && cat /fixtures/f.txt")),
                "data:/data", rel + ":/fixtures:ro"));
        await("ready", Duration.ofSeconds(90), () -> inState(s, "web", ServiceState.READY));
        int port = status(s, "web").ports().get("8080");
        assertThat(leftovers(ctl)).contains("container " + status(s, "web").container().get(),
                "network selftest-" + ContainerBlock.idOf(ctl), "volume selftest-" + ContainerBlock.idOf(ctl) + "-data");
        CliResult ro = podman(List.of("exec", status(s, "web").container().get(), "/bin/sh", "-c", "echo x > /fixtures/g"));
        assertThat(ro.ok()).as("mounted read-only").isFalse();

        long t0 = System.nanoTime();
        SupervisorState end = s.stop("test");
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(end.problems()).isEmpty();
        assertThat(leftovers(ctl)).isEmpty();
        assertThat(Files.exists(Path.of("/tmp/selftest-ports/" + port))).isFalse();
        assertThat(ms).as("TERM stops the image's server at once, not after the stop timeout").isLessThan(5_000);
    }
}
