package io.jenkins.plugins.selftest.engine.container;

import static org.junit.jupiter.api.Assertions.fail;

import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support: whether podman can run the test image here. Without it a container test is skipped with a clear
 * message - or, with {@code CI=true}, fails, so CI never passes by skipping.
 */
public final class Containers {

    public static final String IMAGE = SelfTestOptions.DEFAULT_IMAGE;
    private static String problem;
    private static boolean checked;

    private Containers() {
    }

    public static ContainerRuntime podman() {
        return ContainerRuntime.of("podman", Optional.empty(), Map.of());
    }

    /** Skips the test (fails it under CI=true) unless podman runs {@link #IMAGE}. */
    public static synchronized void assumePodman() {
        if (!checked) {
            checked = true;
            problem = check();
        }
        if (problem == null) {
            return;
        }
        String msg = "podman cannot run " + IMAGE + " here (" + problem + "); run scripts/setup-machine.sh and "
                + "scripts/build-test-image.sh";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true, so this container test fails instead of skipping: " + msg);
        }
        Assumptions.abort(msg);
    }

    /** Ids of containers with the run's label, running or not. */
    public static List<String> ofRun(String runId) throws IOException {
        return podman().list(Map.of(ContainerRuntime.LABEL, "true", ContainerRuntime.RUN_LABEL, runId));
    }

    private static String check() {
        try {
            ContainerRuntime rt = podman();
            rt.checkAvailable();
            rt.imageLabels(IMAGE);
            CliResult r = rt.exec(List.of("run", "--rm", "--network", "none", "-v", "/usr:/usr:ro", IMAGE, "/bin/true"),
                    Duration.ofSeconds(90));
            return r.ok() ? null : "podman run failed: " + r.firstLine();
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
