package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceEndpoints;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code selftest supervise} with a spec file that has a container service (real podman, the local service image). */
class SuperviseContainerServicesIT {

    private static final String IMAGE = "localhost/selftest-service:latest";
    private static final ContainerRuntime PODMAN = ContainerRuntime.of("podman", Optional.empty(), Map.of());

    @TempDir
    Path tmp;

    @BeforeEach
    void assumeServiceImage() throws Exception {
        boolean there;
        try {
            there = PODMAN.exec(List.of("image", "exists", IMAGE), Duration.ofSeconds(30)).ok();
        } catch (java.io.IOException e) {
            there = false;
        }
        if (!there && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true: podman and " + IMAGE + " (scripts/build-service-image.sh) are needed");
        }
        Assumptions.assumeTrue(there, "podman with " + IMAGE + " (scripts/build-service-image.sh)");
    }

    /** What the engine holds of the block whose containers are named {@code prefix-NAME}. */
    private static List<String> ofBlock(String what, String prefix) throws Exception {
        String fmt = what.equals("ps") ? "{{.Names}}" : "{{.Name}}";
        List<String> all = new java.util.ArrayList<>(what.equals("ps") ? List.of("ps", "-a") : List.of(what, "ls"));
        all.addAll(List.of("--filter", "label=selftest.kind=service", "--format", fmt));
        CliResult r = PODMAN.exec(all, Duration.ofSeconds(30));
        return r.output().lines().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void aSpecFileWithAContainerServiceAndADependentProcessPrintsTheEndpointsAndLeavesNothingAfterCtrlC() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "api\n");
        Path spec = tmp.resolve("services.yaml");
        Files.writeString(spec, """
                services:
                  - name: db
                    image: %s
                    runtime: podman
                    command: /bin/serve
                    env: {GREETING: from the container}
                    ports: ['8080']
                    volumes: ['data:/data']
                    stopTimeout: 5s
                    ready: {http: /health, healthcheck: true}
                  - name: api
                    command: 'echo "db at $SERVICE_DB_HOST:$SERVICE_DB_PORT"; exec busybox httpd -f -p 127.0.0.1:$PORT -h %s'
                    port: auto
                    dependsOn: [db]
                    ready: {port: auto}
                """.formatted(IMAGE, www));
        Path ctl = tmp.resolve("ctl");
        Path out = tmp.resolve("out.txt");
        Process p = Cli.supervise(spec, ctl, out);
        try {
            Cli.await(Duration.ofSeconds(90), () -> Files.readString(out).contains("api              READY"));
            String printed = Files.readString(out);
            assertThat(printed).containsPattern("endpoints: SERVICE_DB_HOST=127\\.0\\.0\\.1 SERVICE_DB_PORT=\\d+ SERVICE_API_HOST=127\\.0\\.0\\.1 SERVICE_API_PORT=\\d+");

            StringWriter status = new StringWriter();
            Cli.await(Duration.ofSeconds(90), () -> {
                status.getBuffer().setLength(0);
                CommandLine cl = SelftestCommand.commandLine();
                cl.setOut(new PrintWriter(status));
                cl.execute("supervise", "--status", ctl.toString());
                return status.toString().matches("(?s).*api +READY.*");
            });
            Map<String, String> env = ServiceEndpoints.environment(SupervisorClient.open(ctl).state().orElseThrow().services());
            String dbPort = env.get("SERVICE_DB_PORT");
            String block = SupervisorClient.open(ctl).state().orElseThrow().service("db").orElseThrow().container()
                    .orElseThrow().replaceFirst("-db$", "");
            assertThat(status.toString()).contains("PORTS").contains("8080->127.0.0.1:" + dbPort)
                    .contains("PORT->127.0.0.1:" + env.get("SERVICE_API_PORT")).contains("endpoints: SERVICE_DB_HOST=127.0.0.1");
            assertThat(get("http://127.0.0.1:" + dbPort + "/")).isEqualTo("from the container");
            assertThat(get("http://127.0.0.1:" + env.get("SERVICE_API_PORT") + "/")).isEqualTo("api");
            assertThat(Files.readString(ctl.resolve("logs/api.log"))).contains("db at 127.0.0.1:" + dbPort);
            assertThat(ofBlock("ps", block)).hasSize(1);
            assertThat(ofBlock("network", block)).hasSize(1);
            assertThat(ofBlock("volume", block)).hasSize(1);

            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(ofBlock("ps", block)).isEmpty();
            assertThat(ofBlock("network", block)).isEmpty();
            assertThat(ofBlock("volume", block)).isEmpty();
        } finally {
            if (p.isAlive()) {
                // a failed assertion: stop the services (a SIGKILL of the CLI would leave them running)
                new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                p.waitFor(60, TimeUnit.SECONDS);
            }
            p.destroyForcibly();
        }
    }

    @Test
    void aWorkspaceDirectoryThatIsMissingIsOneLineNamingTheServiceAndTheFix() throws Exception {
        Path spec = tmp.resolve("services.yaml");
        Files.writeString(spec, """
                services:
                  - name: db
                    image: %s
                    volumes: ['./no-such-dir:/fixtures']
                """.formatted(IMAGE));
        StringWriter err = new StringWriter();
        CommandLine cl = SelftestCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));

        int code = cl.execute("supervise", spec.toString(), "--dir", tmp.resolve("ctl").toString(), "--quiet");

        assertThat(code).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(err.toString().strip()).doesNotContain("\n").doesNotContain("Exception")
                .contains("supervise: cannot start the services of " + spec + ": db.volumes: './no-such-dir' does not exist")
                .contains("create it before the block");
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body().strip();
    }
}
