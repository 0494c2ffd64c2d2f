package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Controller restarts, on a controller of this class's own (the shared one is never restarted): finished builds
 * keep their results, actions and the job's trend; a {@code supervisedService} block running across the restart
 * keeps its service up, resumes its body and cleans up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartIT {

    private static RealJenkins j;

    @BeforeAll
    static void startOwnController() throws Exception {
        Path runtime = RealJenkinsExtension.requireRuntime();
        Path dir = Files.createDirectories(Path.of("target", "real-jenkins")).toAbsolutePath();
        j = RealJenkins.start(runtime, Files.createTempDirectory(dir, "restart-"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (j != null) {
            j.close();
        }
    }

    @Test
    @Order(1)
    void finishedBuildsKeepResultsActionsAndTrendAcrossARestart() throws Exception {
        long mark = j.logMark();
        String pipeline = """
                node {
                  sh 'rm -rf * && cp -r %s/. .'
                  supervisedService(name: 'ticker', command: 'while true; do echo tick; sleep 0.5; done',
                                    ready: [log: 'tick', timeout: '30s']) {
                    selfTest(shards: 2, framework: 'maven', excludes: 'Slow*', timeout: '10m')
                  }
                }
                """.formatted(Examples.calculator());
        RealJenkins.Build first = j.run("finished", pipeline, Duration.ofMinutes(5));
        RealJenkins.Build second = j.run("finished", pipeline, Duration.ofMinutes(5));
        assertThat(first.result()).as(j.console("finished", 1)).isEqualTo("SUCCESS");
        assertThat(second.result()).as(j.console("finished", 2)).isEqualTo("SUCCESS");
        String resultsBefore = j.get(second.url() + "selfTest/api/json").body();
        String trendBefore = j.get("job/finished/selfTest/prometheus").body();
        assertThat(resultsBefore).contains("\"total\":32");
        assertThat(trendBefore).contains("self_test_passed_total");

        j.restart();

        for (RealJenkins.Build b : List.of(first, second)) {
            RealJenkins.Build after = j.status(b.job(), b.number());
            assertThat(after.result()).as("build #%d after the restart", b.number()).isEqualTo("SUCCESS");
            assertThat(j.get(b.url() + "selfTest/").statusCode()).isEqualTo(200);
            assertThat(j.console(b.job(), b.number())).doesNotContain("Cannot resume build");
        }
        assertThat(j.get(second.url() + "selfTest/api/json").body()).isEqualTo(resultsBefore);
        assertThat(j.get("job/finished/selfTest/prometheus").body()).isEqualTo(trendBefore);
        j.assertNoProblemsSince(mark);
    }

    @Test
    @Order(2)
    void runningServiceBlockKeepsItsServiceAndResumesItsBody() throws Exception {
        long mark = j.logMark();
        TickerBuild b = TickerBuild.start(j, "running");

        j.restart();

        assertThat(ProcessHandle.of(b.servicePid())).as("the service's process after the restart").isPresent();
        j.awaitConsole(b.job(), b.number(), "Resuming build", Duration.ofMinutes(1));
        b.releaseAndExpectCleanSuccess();
        j.assertNoProblemsSince(mark);
    }

    @Test
    @Order(3)
    void supervisorOfABuildLostAtARestartIsReaped() throws Exception {
        long mark = j.logMark();
        TickerBuild b = TickerBuild.start(j, "lost");
        Path registry = j.home().resolve("io.jenkins.plugins.selftest.supervisors.json");
        assertThat(Files.readString(registry)).contains(b.controlDir(), "lost#" + b.number());

        // the build cannot resume: its program is gone (as after a crash that lost it)
        j.restart(() -> Files.delete(j.home().resolve("jobs/lost/builds/" + b.number() + "/program.dat")));
        assertThat(j.await("lost", b.number(), Duration.ofMinutes(2)).result()).isEqualTo("FAILURE");
        assertThat(ProcessHandle.of(b.servicePid())).as("the service, before the reaper ran").isPresent();

        String reaped = j.groovy("io.jenkins.plugins.selftest.agent.StaleSupervisorReaper.reapNow().each { println it }");
        assertThat(reaped).contains(b.controlDir());
        b.expectServiceGone();
        assertThat(Files.readString(registry)).doesNotContain(b.controlDir());
        // the lost build itself is Jenkins' to report (it logs why it could not resume); nothing of ours may be SEVERE
        assertThat(j.problemsSince(mark)).noneMatch(p -> p.contains("selftest"));
        // the body's shell outlived its lost build (Jenkins' durable task, not ours): let it end, as a user would, so
        // that the suite leaves nothing running on the machine
        b.release();
        b.expectBodyGone();
    }
}
