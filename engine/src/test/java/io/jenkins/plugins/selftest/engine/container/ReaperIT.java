package io.jenkins.plugins.selftest.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReaperIT {

    @Test
    void removesRunningAndStoppedContainersOfARunByLabelOnly() throws Exception {
        Containers.assumePodman();
        ContainerRuntime rt = Containers.podman();
        String run = "reaper-" + UUID.randomUUID().toString().substring(0, 8);
        String other = run + "-other";
        for (String[] c : List.of(new String[] {run, "sleep 300"}, new String[] {run, "true"}, new String[] {other, "sleep 300"})) {
            CliResult r = rt.exec(List.of("run", "-d", "--label", "selftest=true", "--label", "selftest.run=" + c[0],
                    "-v", "/usr:/usr:ro", "--network", "none", Containers.IMAGE, "/bin/sh", "-c", c[1]), Duration.ofSeconds(60));
            assertThat(r.ok()).as(r.output()).isTrue();
        }
        try {
            Reaper.Result result = new Reaper(rt).reap(Optional.of(run), 2, Duration.ofMillis(200));

            assertThat(result.removed()).hasSize(2);
            assertThat(result.clean()).isTrue();
            assertThat(Containers.ofRun(run)).isEmpty();
            assertThat(Containers.ofRun(other)).hasSize(1);
        } finally {
            new Reaper(rt).reap(Optional.of(other), 2, Duration.ofMillis(200));
        }
    }

    @Test
    void reapStaleRemovesOnlyOverRunsWithTheOwnersPrefix() throws Exception {
        Containers.assumePodman();
        ContainerRuntime rt = Containers.podman();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String over = "jenkins-over-" + id;
        String live = "jenkins-live-" + id;
        String cli = "cli-" + id;
        for (String run : List.of(over, live, cli)) {
            CliResult r = rt.exec(List.of("run", "-d", "--label", "selftest=true", "--label", "selftest.run=" + run,
                    "-v", "/usr:/usr:ro", "--network", "none", Containers.IMAGE, "/bin/sh", "-c", "sleep 300"),
                    Duration.ofSeconds(60));
            assertThat(r.ok()).as(r.output()).isTrue();
        }
        try {
            Reaper.Result result = new Reaper(rt).reapStale("jenkins-", live::equals);

            assertThat(Containers.ofRun(over)).isEmpty();
            assertThat(Containers.ofRun(live)).hasSize(1);
            assertThat(Containers.ofRun(cli)).hasSize(1);
            assertThat(result.removed()).hasSizeGreaterThanOrEqualTo(1);
            assertThat(rt.label(Containers.ofRun(live).get(0), ContainerRuntime.RUN_LABEL)).contains(live);
        } finally {
            for (String run : List.of(over, live, cli)) {
                new Reaper(rt).reap(Optional.of(run), 2, Duration.ofMillis(200));
            }
        }
    }
}
