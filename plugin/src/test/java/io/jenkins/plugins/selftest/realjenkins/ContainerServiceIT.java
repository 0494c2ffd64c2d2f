package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.selftest.engine.json.Json;
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
        for (JsonNode action : Json.mapper().readTree(body).path("actions")) {
            if (action.has("services")) {
                return action.get("services");
            }
        }
        return Json.mapper().createArrayNode();
    }

    static JsonNode service(JsonNode services, String name) {
        for (JsonNode s : services) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        return Json.mapper().missingNode();
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

    static void awaitFile(Path file) throws InterruptedException {
        Instant deadline = Instant.now().plus(BUILD);
        while (!Files.exists(file) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(file).exists();
    }

    static String value(String console, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "=(\\S*)$", Pattern.MULTILINE).matcher(console);
        assertThat(m.find()).as(name + " in the console:\n" + console).isTrue();
        return m.group(1);
    }
}
