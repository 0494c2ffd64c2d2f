package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.agent.PollResult;
import io.jenkins.plugins.selftest.agent.SupervisorCalls;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code withCredentials} secret in the build's environment, with a real daemon started from the engine's agent
 * jar the way the step starts it (the step's spec, then {@link SupervisorCalls}): the service sees the secret, no file
 * of the control directory holds it, and once the services stopped and the logs were read the directory is gone.
 */
class SupervisedServiceSecretsIT {

    private static final String SECRET = "s3cr3t-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path tmp;
    private File dir;
    private String jar;
    private final List<String> cookies = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (dir != null && dir.isDirectory()) {
            stop();
        }
        for (String c : cookies) {
            assertThat(ProcessTree.withCookie(c)).as("nothing left running").isEmpty();
        }
    }

    @Test
    void inheritedSecretReachesTheServiceButNoFileAndTheDirectoryGoesAtTheEnd() throws Exception {
        jar = System.getProperty("engine.agent.jar");
        assertThat(jar).as("the engine's agent jar, built by the engine module").isNotNull();
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        dir = tmp.resolve("ws@tmp").resolve("supervised-secret").toFile();
        SupervisedServiceStep step = new SupervisedServiceStep();
        step.setName("db");
        // the service proves it sees the secret without printing it (its log is in the control directory too)
        step.setCommand("printf %s \"$DB_PASSWORD\" | sha256sum | cut -c1-64; echo port=$PORT; sleep 60");
        step.setEnv(List.of("PORT=5432"));
        Map<String, String> buildEnv = Map.of("DB_PASSWORD", SECRET, "PATH", System.getenv("PATH"));

        SupervisorSpec spec = ServiceSpecs.toSpec(step, ws.toString());
        new SupervisorCalls.Launch(spec, jar, ws.toString(), buildEnv).invoke(dir, null);

        PollResult r = pollUntil(p -> p.lines(0).size() >= 2);
        r.state().flatMap(s -> s.service("db")).flatMap(st -> st.cookie()).ifPresent(cookies::add);
        assertThat(r.lines(0)).as("the service sees the build's environment and its declared env")
                .containsExactly(sha256(SECRET), "port=5432");
        assertThat(filesContaining(SECRET)).as("files under %s holding the secret", dir).isEmpty();

        SupervisorState end = stop().state().orElseThrow();
        assertThat(end.phase()).isEqualTo(SupervisorState.Phase.STOPPED);
        assertThat(end.service("db").orElseThrow().state()).isEqualTo(ServiceState.STOPPED);
        assertThat(filesContaining(SECRET)).as("after the stop").isEmpty();

        assertThat(new SupervisorCalls.Remove().invoke(dir, null)).isTrue();
        assertThat(dir).doesNotExist();
    }

    private static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private PollResult stop() throws Exception {
        return new SupervisorCalls.Stop(Duration.ofSeconds(10), jar, new SupervisorCalls.Poll(List.of("db"),
                new long[] {0}, 64 * 1024), Map.of()).invoke(dir, null);
    }

    /** Every file under the control directory whose bytes contain {@code text}. */
    private List<Path> filesContaining(String text) throws Exception {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.toPath())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
                    hits.add(f);
                }
            }
        }
        return hits;
    }

    private PollResult pollUntil(java.util.function.Predicate<PollResult> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        PollResult r;
        do {
            r = new SupervisorCalls.Poll(List.of("db"), new long[] {0}, 64 * 1024).invoke(dir, null);
            if (done.test(r)) {
                return r;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not reached within 20 s; last poll: " + Json.write(r));
    }
}
