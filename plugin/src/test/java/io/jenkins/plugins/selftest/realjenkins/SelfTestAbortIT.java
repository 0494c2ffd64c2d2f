package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Aborting a build while selfTest runs its shards in podman containers: everything stops at once and says so. */
@ExtendWith(RealJenkinsExtension.class)
class SelfTestAbortIT {

    private static List<String> containersOf(String runId) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("podman", "ps", "-a", "-q", "--filter", "label=selftest.run=" + runId)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static boolean podmanWorks() {
        try {
            return new ProcessBuilder("podman", "image", "exists", "localhost/selftest-java17:latest")
                    .start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void abortStopsEveryContainerShardAtOnceAndSaysAborted(RealJenkins j) throws Exception {
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            assumeTrue(podmanWorks(), "podman or the test image (scripts/build-test-image.sh) is missing");
        }
        int n = j.schedule("abort-containers", """
                node {
                  sh 'rm -rf * && cp -r %s/. .'
                  selfTest(shards: 2, runtime: 'podman', tests: 'Slow*', timeout: '10m', coverage: false, orphans: false)
                }
                """.formatted(Examples.calculator()));
        j.awaitConsole("abort-containers", n, "as podman containers", Duration.ofMinutes(3));
        Matcher m = Pattern.compile("selfTest: run (\\S+)").matcher(j.console("abort-containers", n));
        assertThat(m.find()).isTrue();
        String runId = m.group(1);
        Instant deadline = Instant.now().plusSeconds(60);
        while (containersOf(runId).size() < 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(containersOf(runId)).as("both shards' containers running").hasSize(2);

        Instant aborted = Instant.now();
        assertThat(j.post("job/abort-containers/" + n + "/stop", Map.of()).statusCode()).isIn(200, 302);
        RealJenkins.Build b = j.await("abort-containers", n, Duration.ofMinutes(1));
        Duration took = Duration.between(aborted, Instant.now());
        String console = j.console("abort-containers", n);

        assertThat(b.result()).as(console).isEqualTo("ABORTED");
        assertThat(took).as("from the abort to the end of the build").isLessThan(Duration.ofSeconds(8));
        assertThat(containersOf(runId)).as("containers of run " + runId).isEmpty();
        assertThat(console).contains("selfTest: aborted").doesNotContain("interrupted while", "could not run");
    }
}
