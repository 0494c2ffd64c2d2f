package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running build whose {@code supervisedService} keeps a service {@code ticker} up (it prints {@code tick} and
 * wrote its pid to {@code ticker.pid}) while the block's body waits for a file {@code release} in the workspace: the
 * shape of the restart, kill and reaper scenarios.
 */
record TickerBuild(RealJenkins jenkins, String job, int number, long servicePid, String controlDir, Path workspace) {

    private static final String PIPELINE = """
            node {
              sh 'rm -f release ticker.pid body.started'
              supervisedService(name: 'ticker', command: 'echo $$ > ticker.pid; while true; do echo tick; sleep 0.3; done',
                                ready: [log: 'tick', timeout: '30s']) {
                sh 'touch body.started; while [ ! -f release ]; do sleep 0.3; done; echo body released'
              }
            }
            """;

    /**
     * Starts a build of {@code job} and returns once the service ticks and the body runs (a restart before the body
     * has started would test the launch of the body, not a running block).
     */
    static TickerBuild start(RealJenkins j, String job) throws IOException, InterruptedException {
        int n = j.schedule(job, PIPELINE);
        j.awaitConsole(job, n, "[ticker] tick", Duration.ofMinutes(2));
        Path workspace = j.home().resolve("workspace").resolve(job);
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Files.exists(workspace.resolve("body.started")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(workspace.resolve("body.started")).as("the block's body has started").exists();
        long pid = Long.parseLong(Files.readString(workspace.resolve("ticker.pid")).strip());
        Matcher m = Pattern.compile("\\((/[^)]*@tmp/supervised-[^)]*)\\)").matcher(j.console(job, n));
        assertThat(m.find()).as("the control directory in the console").isTrue();
        return new TickerBuild(j, job, n, pid, m.group(1), workspace);
    }

    /** Lets the body end. */
    void release() throws IOException {
        Files.writeString(workspace.resolve("release"), "");
    }

    String console() throws IOException, InterruptedException {
        return jenkins.console(job, number);
    }

    /** Releases the body, waits for the build and checks that it passed and that nothing of it is left running. */
    void releaseAndExpectCleanSuccess() throws IOException, InterruptedException {
        release();
        RealJenkins.Build b = jenkins.await(job, number, Duration.ofMinutes(2));
        String console = console();
        assertThat(b.result()).as(console).isEqualTo("SUCCESS");
        // the same service all along: one start, no restart
        assertThat(console).contains("body released", "stopped ticker (stopped, 0 restarts)")
                .doesNotContain("cannot start writing logs");
        expectServiceGone();
    }

    /**
     * Waits (15 s at most) for the block's body, the durable-task shell in the workspace's {@code @tmp}, to be gone:
     * after {@link #release} it ends by itself.
     */
    void expectBodyGone() throws InterruptedException {
        String body = workspace + "@tmp/durable-";
        Instant deadline = Instant.now().plusSeconds(15);
        while (!Processes.mentioning(body).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(Processes.mentioning(body)).as("the body's processes").isEmpty();
    }

    /** Waits (15 s at most) for the service to be gone, then checks no process of the control directory is left. */
    void expectServiceGone() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (ProcessHandle.of(servicePid).isPresent() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(servicePid)).as("service process %d", servicePid).isEmpty();
        assertThat(Processes.mentioning(controlDir)).as("processes of " + controlDir).isEmpty();
    }
}
