package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        int n = j.schedule("running", """
                node {
                  sh 'rm -f release ticker.pid'
                  supervisedService(name: 'ticker', command: 'echo $$ > ticker.pid; while true; do echo tick; sleep 0.3; done',
                                    ready: [log: 'tick', timeout: '30s']) {
                    sh 'while [ ! -f release ]; do sleep 0.3; done; echo body released'
                  }
                }
                """);
        j.awaitConsole("running", n, "[ticker] tick", Duration.ofMinutes(2));
        Path workspace = j.home().resolve("workspace/running");
        long pid = Long.parseLong(Files.readString(workspace.resolve("ticker.pid")).strip());
        String controlDir = controlDirectory(j.console("running", n));

        j.restart();

        assertThat(ProcessHandle.of(pid)).as("the service's process after the restart").isPresent();
        j.awaitConsole("running", n, "Resuming build", Duration.ofMinutes(1));
        Files.writeString(workspace.resolve("release"), "");
        RealJenkins.Build b = j.await("running", n, Duration.ofMinutes(2));
        String console = j.console("running", n);
        assertThat(b.result()).as(console).isEqualTo("SUCCESS");
        assertThat(console).contains("body released").doesNotContain("cannot start writing logs");
        // the same service all along: one start, no restart
        assertThat(console).contains("stopped ticker (stopped, 0 restarts)");
        awaitGone(pid);
        assertThat(Processes.mentioning(controlDir)).as("processes of " + controlDir).isEmpty();
        j.assertNoProblemsSince(mark);
    }

    @Test
    @Order(3)
    void supervisorOfABuildLostAtARestartIsReaped() throws Exception {
        long mark = j.logMark();
        int n = j.schedule("lost", """
                node {
                  sh 'rm -f ticker.pid'
                  supervisedService(name: 'ticker', command: 'echo $$ > ticker.pid; while true; do echo tick; sleep 0.3; done',
                                    ready: [log: 'tick', timeout: '30s']) {
                    sh 'sleep 600'
                  }
                }
                """);
        j.awaitConsole("lost", n, "[ticker] tick", Duration.ofMinutes(2));
        long pid = Long.parseLong(Files.readString(j.home().resolve("workspace/lost/ticker.pid")).strip());
        String controlDir = controlDirectory(j.console("lost", n));
        Path registry = j.home().resolve("io.jenkins.plugins.selftest.supervisors.json");
        assertThat(Files.readString(registry)).contains(controlDir, "lost#" + n);

        // the build cannot resume: its program is gone (as after a crash that lost it)
        j.restart(() -> Files.delete(j.home().resolve("jobs/lost/builds/" + n + "/program.dat")));
        RealJenkins.Build b = j.await("lost", n, Duration.ofMinutes(2));
        assertThat(b.result()).isEqualTo("FAILURE");
        assertThat(ProcessHandle.of(pid)).as("the service, before the reaper ran").isPresent();

        String reaped = j.groovy("io.jenkins.plugins.selftest.agent.StaleSupervisorReaper.reapNow().each { println it }");
        assertThat(reaped).contains(controlDir);
        awaitGone(pid);
        assertThat(Processes.mentioning(controlDir)).isEmpty();
        assertThat(Files.readString(registry)).doesNotContain(controlDir);
        // the lost build itself is Jenkins' to report (it logs why it could not resume); nothing of ours may be SEVERE
        assertThat(j.problemsSince(mark)).noneMatch(p -> p.contains("selftest"));
    }

    static String controlDirectory(String console) {
        Matcher m = Pattern.compile("\\((/[^)]*@tmp/supervised-[^)]*)\\)").matcher(console);
        assertThat(m.find()).as("the control directory in:\n" + console).isTrue();
        return m.group(1);
    }

    static void awaitGone(long pid) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (ProcessHandle.of(pid).isPresent() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(pid)).as("process %d after the build", pid).isEmpty();
    }
}
