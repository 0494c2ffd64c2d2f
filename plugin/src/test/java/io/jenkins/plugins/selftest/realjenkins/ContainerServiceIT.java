package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.selftest.engine.json.DataBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Container services in a real Jenkins (issue #13): a container and a process service with allocated ports, ready
 * before the body and reached by it through {@code SERVICE_<NAME>_HOST/_PORT}; two builds of one job at once without
 * a port clash; a killed container restarted by its policy; an abort that leaves no container, network or volume.
 * Real podman containers of the local service image ({@code scripts/build-service-image.sh}); every wait is for a
 * condition, with bounds generous enough for a loaded two-core machine.
 */
@ExtendWith(RealJenkinsExtension.class)
class ContainerServiceIT {

    /** The local service image: tiny, no registry. */
    static final String IMAGE = "localhost/selftest-service:latest";
    private static final Duration BUILD = Duration.ofMinutes(4);

    @BeforeAll
    static void serviceImage() {
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            assumeTrue(podman("image", "exists", IMAGE).exit == 0,
                    "podman or the service image (scripts/build-service-image.sh) is missing");
        }
    }

    /**
     * The Pipeline of (1) and (2): a container service from the local image with a published port, and a process
     * service on port 'auto' that depends on it; the body prints where they are, fetches from both at once (no retry:
     * they must be ready before it starts), says it has started and waits for a file {@code release}.
     */
    private static final String TWO_SERVICES = """
            node {
              sh 'rm -f release body.started'
              supervisedService(services: [
                  [name: 'web', image: '%s', ports: ['8080'], env: ["GREETING=web of build ${env.BUILD_NUMBER}"],
                   ready: [http: '/health', timeout: '3m']],
                  [name: 'api', port: 'auto', dependsOn: ['web'], ready: [port: 'auto', timeout: '3m'],
                   command: 'echo "api sees web at $SERVICE_WEB_HOST:$SERVICE_WEB_PORT"; echo "api of build $BUILD_NUMBER" > api.txt; exec python3 -u -m http.server $PORT --bind 127.0.0.1']]) {
                sh '''
                  echo "WEB=$SERVICE_WEB_HOST:$SERVICE_WEB_PORT"
                  echo "API=$SERVICE_API_HOST:$SERVICE_API_PORT"
                  echo "WS=$WORKSPACE"
                  curl -fsS "http://$SERVICE_WEB_HOST:$SERVICE_WEB_PORT/"
                  curl -fsS "http://$SERVICE_API_HOST:$SERVICE_API_PORT/api.txt"
                  touch body.started
                  while [ ! -f release ]; do sleep 0.3; done
                  curl -fsS "http://$SERVICE_WEB_HOST:$SERVICE_WEB_PORT/"
                '''
              }
            }
            """.formatted(IMAGE);

    @Test
    void containerAndDependentProcessServiceAreReadyBeforeTheBodyWhichReachesBothThroughTheVariables(RealJenkins j)
            throws Exception {
        int n = j.schedule("container-service", TWO_SERVICES);
        Path ws = awaitBody(j, "container-service", n);
        JsonNode during = services(j, "container-service", n);
        Files.writeString(ws.resolve("release"), "");
        RealJenkins.Build b = j.await("container-service", n, BUILD);
        String console = j.console("container-service", n);
        assertThat(b.result()).as(console).isEqualTo("SUCCESS");

        String web = value(console, "WEB");
        String api = value(console, "API");
        assertThat(web).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(api).matches("127\\.0\\.0\\.1:\\d+").isNotEqualTo(web);
        assertThat(console).contains("web of build " + n, "api of build " + n, "[api] api sees web at " + web,
                "supervisedService: ready: web at " + web + ", api at " + api);
        assertThat(console.indexOf("supervisedService: ready: ")).as("ready before the body")
                .isLessThan(console.indexOf("WEB=" + web));
        // the REST API of the build page's services table: ports and container while the body ran
        JsonNode webRow = service(during, "web");
        assertThat(webRow.path("state").asText()).isEqualTo("ready");
        assertThat(webRow.path("host").asText() + ":" + webRow.path("ports").path("8080").asInt()).isEqualTo(web);
        assertThat(webRow.path("container").asText()).isNotEmpty();
        assertThat(service(during, "api").path("ports").path("PORT").asInt())
                .isEqualTo(Integer.parseInt(api.substring(api.indexOf(':') + 1)));
        assertThat(service(during, "api").path("container").isNull()).isTrue();
        assertThat(podman("ps", "-a", "-q", "--filter", "name=^" + webRow.path("container").asText() + "$").lines())
                .as("the container is removed at the end of the block").isEmpty();
    }

    @Test
    void twoBuildsOfOneJobAtOnceOnOneAgentGetPortsOfTheirOwn(RealJenkins j) throws Exception {
        int first = j.schedule("two-builds", TWO_SERVICES);
        int second = j.schedule("two-builds", TWO_SERVICES);
        Path ws1 = awaitBody(j, "two-builds", first);
        Path ws2 = awaitBody(j, "two-builds", second);
        assertThat(ws1).isNotEqualTo(ws2);
        // both bodies are running now, each with its services up
        assertThat(j.status("two-builds", first).building()).isTrue();
        assertThat(j.status("two-builds", second).building()).isTrue();
        String c1 = j.console("two-builds", first);
        String c2 = j.console("two-builds", second);
        Files.writeString(ws1.resolve("release"), "");
        Files.writeString(ws2.resolve("release"), "");

        for (int n : new int[] {first, second}) {
            RealJenkins.Build b = j.await("two-builds", n, BUILD);
            assertThat(b.result()).as(j.console("two-builds", n)).isEqualTo("SUCCESS");
        }
        assertThat(value(c1, "WEB")).isNotEqualTo(value(c2, "WEB")).isNotEqualTo(value(c2, "API"));
        assertThat(value(c1, "API")).isNotEqualTo(value(c2, "API")).isNotEqualTo(value(c2, "WEB"));
        assertThat(c1).contains("web of build " + first, "api of build " + first)
                .doesNotContain("web of build " + second);
        assertThat(c2).contains("web of build " + second, "api of build " + second)
                .doesNotContain("web of build " + first);
    }

    /** One container service; the body says where it is, waits for {@code release}, then fetches from it again. */
    private static final String WEB_UNTIL_RELEASE = """
            node {
              sh 'rm -f release body.started'
              supervisedService(name: 'web', image: '%s', ports: ['8080'], restart: 'always',
                                ready: [http: '/health', timeout: '3m']) {
                sh '''
                  echo "WEB=$SERVICE_WEB_HOST:$SERVICE_WEB_PORT"
                  echo "WS=$WORKSPACE"
                  touch body.started
                  while [ ! -f release ]; do sleep 0.3; done
                  echo "after the wait: $(curl -fsS "http://$SERVICE_WEB_HOST:$SERVICE_WEB_PORT/")"
                '''
              }
            }
            """.formatted(IMAGE);

    @Test
    void killedContainerIsRestartedByItsPolicyOnTheSamePort(RealJenkins j) throws Exception {
        int n = j.schedule("container-restart", WEB_UNTIL_RELEASE);
        Path ws = awaitBody(j, "container-restart", n);
        String container = service(services(j, "container-restart", n), "web").path("container").asText();
        assertThat(container).isNotEmpty();
        assertThat(podman("kill", container).exit).as("podman kill " + container).isZero();

        JsonNode restarted = awaitServices(j, "container-restart", n, s -> service(s, "web").path("restarts").asInt() >= 1
                && service(s, "web").path("state").asText().equals("ready"), "web restarted and ready again");
        assertThat(podman("ps", "-q", "--filter", "name=^" + container + "$").lines()).as("running again").hasSize(1);
        Files.writeString(ws.resolve("release"), "");
        RealJenkins.Build b = j.await("container-restart", n, BUILD);
        String console = j.console("container-restart", n);
        assertThat(b.result()).as(console).isEqualTo("SUCCESS");
        assertThat(console).contains("after the wait: hello from selftest-service");
        assertThat(console.split("\\[web\\] serving on 8080", -1).length - 1).as("starts of the container")
                .isGreaterThanOrEqualTo(2);
        assertThat(service(restarted, "web").path("ports").path("8080").asText())
                .isEqualTo(value(console, "WEB").replaceAll(".*:", ""));
    }

    /**
     * A controller restart while the body runs: the step resumes, the same container keeps serving on the same port
     * (no restart), and the end of the block removes it.
     */
    @Test
    void containerServiceKeepsRunningAcrossAControllerRestartAndIsRemovedAtTheEnd(RealJenkins j) throws Exception {
        int n = j.schedule("container-controller-restart", WEB_UNTIL_RELEASE);
        Path ws = awaitBody(j, "container-controller-restart", n);
        String container = service(services(j, "container-controller-restart", n), "web").path("container").asText();
        String id = podman("inspect", "--format", "{{.Id}}", container).output().strip();

        j.restart();

        assertThat(podman("inspect", "--format", "{{.Id}} {{.State.Running}}", container).output().strip())
                .as("the same container, running").isEqualTo(id + " true");
        Files.writeString(ws.resolve("release"), "");
        RealJenkins.Build b = j.await("container-controller-restart", n, BUILD);
        String console = j.console("container-controller-restart", n);
        assertThat(b.result()).as(console).isEqualTo("SUCCESS");
        assertThat(console).contains("after the wait: hello from selftest-service", "stopped web (stopped, 0 restarts)");
        assertThat(podman("ps", "-a", "-q", "--filter", "name=^" + container + "$").lines()).as("removed").isEmpty();
    }

    /**
     * {@code docker.withServer} (docker-workflow) composes: a {@code runtime: 'docker'} service is started by the
     * engine the build names in {@code DOCKER_HOST}, here podman's Docker-compatible API service on a socket of its
     * own that logs every call (this machine has the docker CLI but no Docker engine), not the machine's default.
     */
    @Test
    void insideDockerWithServerTheServiceIsStartedByThatEngine(RealJenkins j) throws Exception {
        assumeTrue(new ProcessBuilder("docker", "--version").start().waitFor() == 0, "no docker CLI on this machine");
        Path sock = Files.createTempDirectory("selftest-engine").resolve("podman.sock");
        Path log = sock.resolveSibling("service.log");
        Process engine = new ProcessBuilder("podman", "--log-level=debug", "system", "service", "--time=0",
                "unix://" + sock).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Instant until = Instant.now().plus(Duration.ofSeconds(60));
            while (!Files.exists(sock) && Instant.now().isBefore(until)) {
                Thread.sleep(200);
            }
            assertThat(sock).as("the podman API service listens").exists();
            RealJenkins.Build b = j.run("container-with-server", """
                    node {
                      docker.withServer('unix://%s') {
                        supervisedService(name: 'web', image: '%s', runtime: 'docker', ports: ['8080'],
                                          ready: [http: '/health', timeout: '3m']) {
                          sh 'echo "ENGINE=$DOCKER_HOST"; curl -fsS "http://$SERVICE_WEB_HOST:$SERVICE_WEB_PORT/health"'
                        }
                      }
                    }
                    """.formatted(sock, IMAGE), BUILD);
            String console = j.console("container-with-server", b.number());
            assertThat(b.result()).as(console).isEqualTo("SUCCESS");
            assertThat(console).contains("ENGINE=unix://" + sock);
            String calls = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(calls).as("the container was created and removed through the build's engine")
                    .contains("/containers/create").containsPattern("DELETE.*/containers/");
        } finally {
            engine.destroy();
            engine.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void abortLeavesNoContainerNetworkOrVolume(RealJenkins j) throws Exception {
        int n = j.schedule("container-abort", """
                node {
                  sh 'rm -f body.started'
                  supervisedService(services: [
                      [name: 'web', image: '%s', ports: ['8080'], volumes: ['data:/data'],
                       ready: [http: '/health', timeout: '3m']],
                      [name: 'echo', image: '%s', command: 'nc -ll -p 5432 -e cat', ports: ['5432'],
                       ready: [port: 'auto', timeout: '3m']]]) {
                    sh 'echo "WS=$WORKSPACE"; touch body.started; while true; do sleep 0.3; done'
                  }
                }
                """.formatted(IMAGE, IMAGE));
        awaitBody(j, "container-abort", n);
        String container = service(services(j, "container-abort", n), "web").path("container").asText();
        String run = podman("inspect", "--format", "{{index .Config.Labels \"selftest.run\"}}", container).output()
                .strip();
        assertThat(run).as("the block's run label").startsWith("svc-");
        String label = "label=selftest.run=" + run;
        assertThat(podman("ps", "-a", "-q", "--filter", label).lines()).as("containers before the abort").hasSize(2);
        assertThat(podman("network", "ls", "-q", "--filter", label).lines()).as("network before the abort").hasSize(1);
        assertThat(podman("volume", "ls", "-q", "--filter", label).lines()).as("volume before the abort").hasSize(1);

        assertThat(j.post("job/container-abort/" + n + "/stop", Map.of()).statusCode()).isIn(200, 302);
        RealJenkins.Build b = j.await("container-abort", n, BUILD);
        assertThat(b.result()).as(j.console("container-abort", n)).isEqualTo("ABORTED");

        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (Instant.now().isBefore(deadline) && !(podman("ps", "-a", "-q", "--filter", label).lines().isEmpty()
                && podman("network", "ls", "-q", "--filter", label).lines().isEmpty()
                && podman("volume", "ls", "-q", "--filter", label).lines().isEmpty())) {
            Thread.sleep(300);
        }
        assertThat(podman("ps", "-a", "-q", "--filter", label).lines()).as("containers after the abort").isEmpty();
        assertThat(podman("network", "ls", "-q", "--filter", label).lines()).as("networks after the abort").isEmpty();
        assertThat(podman("volume", "ls", "-q", "--filter", label).lines()).as("volumes after the abort").isEmpty();
    }

    /** Waits until the body of build {@code n} has started ({@code body.started} in its workspace); its workspace. */
    private static Path awaitBody(RealJenkins j, String job, int n) throws IOException, InterruptedException {
        j.awaitConsole(job, n, "\nWS=", BUILD);
        Path ws = Path.of(value(j.console(job, n), "WS"));
        Instant deadline = Instant.now().plus(BUILD);
        while (!Files.exists(ws.resolve("body.started"))) {
            if (!j.status(job, n).building() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("the body of " + job + " #" + n + " did not start:\n" + j.console(job, n));
            }
            Thread.sleep(200);
        }
        return ws;
    }

    record Result(int exit, String output) {
        List<String> lines() {
            return output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
    }

    static Result podman(String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.getMessage());
        }
    }

    /** The build's services as its REST API shows them. */
    static JsonNode services(RealJenkins j, String job, int number) throws IOException, InterruptedException {
        String body = j.get("job/" + job + "/" + number
                + "/api/json?tree=actions[services[name,state,host,ports,container,restarts]]").body();
        for (JsonNode action : DataBinding.mapper().readTree(body).path("actions")) {
            if (action.has("services")) {
                return action.get("services");
            }
        }
        return DataBinding.mapper().createArrayNode();
    }

    static JsonNode service(JsonNode services, String name) {
        for (JsonNode s : services) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        return DataBinding.mapper().missingNode();
    }

    /** Waits until {@code condition} holds of the build's services, and returns them. */
    static JsonNode awaitServices(RealJenkins j, String job, int number, Predicate<JsonNode> condition, String what)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(BUILD);
        JsonNode s = services(j, job, number);
        while (!condition.test(s)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + " not seen in " + BUILD + ": " + s + "\n" + j.console(job, number));
            }
            Thread.sleep(300);
            s = services(j, job, number);
        }
        return s;
    }

    static String value(String console, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "=(\\S*)$", Pattern.MULTILINE).matcher(console);
        assertThat(m.find()).as(name + " in the console:\n" + console).isTrue();
        return m.group(1);
    }
}
