package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** supervisedService in a real Jenkins: a new job, the block, the clean stop. */
@ExtendWith(RealJenkinsExtension.class)
class SupervisedServiceIT {

    @Test
    void pluginIsLoadedAndActive(RealJenkins j) throws Exception {
        String plugins = j.get("pluginManager/api/json?depth=1&tree=plugins[shortName,active,enabled]").body();
        assertThat(plugins).contains("\"active\":true,\"enabled\":true,\"shortName\":\"supervised-selftest\"");
    }

    @Test
    void firstStepOfANewJobRunsTheServiceAndTheBody(RealJenkins j) throws Exception {
        String log = j.runToSuccess("first-step", """
                node {
                  supervisedService(name: 'ticker', command: 'while true; do echo tick; sleep 0.2; done',
                                    ready: [log: 'tick', timeout: '30s']) {
                    sh 'echo body ran'
                  }
                }
                """, Duration.ofMinutes(3));
        assertThat(log).contains("body ran");
    }

    @Test
    void declarativePipelineWithBothStepsAsTheReadmeShowsThem(RealJenkins j) throws Exception {
        String log = j.runToSuccess("declarative", """
                pipeline {
                  agent any
                  stages {
                    stage('Test') {
                      steps {
                        sh 'rm -rf * && cp -r %s/. .'
                        supervisedService(name: 'docs', command: 'exec python3 -u -m http.server 0 --bind 127.0.0.1',
                                          restart: 'on-failure', maxRestarts: 5,
                                          backoff: [initial: '200ms', factor: 2, max: '30s'],
                                          ready: [log: 'Serving HTTP', timeout: '60s']) {
                          selfTest(shards: 2, workers: 2, framework: 'maven', excludes: 'Slow*', timeout: '10m',
                                   coverage: true, orphans: true)
                        }
                      }
                    }
                  }
                }
                """.formatted(Examples.calculator()), Duration.ofMinutes(5));
        assertThat(log).contains("[docs] Serving HTTP", "selfTest: 32 tests: 32 passed", "stopped docs");
    }

    /** Live supervisor daemons of a control directory. */
    private static List<String> daemonsOf(String controlDir) {
        return Processes.mentioning(controlDir).stream().filter(p -> p.contains("SupervisorDaemon")).toList();
    }

    @Test
    void killedSupervisorIsReplacedExactlyOnceAndItsServiceIsAdopted(RealJenkins j) throws Exception {
        TickerBuild b = TickerBuild.start(j, "daemon-kill");
        List<String> daemons = daemonsOf(b.controlDir());
        assertThat(daemons).hasSize(1);
        long first = Long.parseLong(daemons.get(0).split(" ", 2)[0]);

        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        j.awaitConsole(b.job(), b.number(), "started a new one with --resume", Duration.ofMinutes(1));
        // watch for a while: never more than one daemon at a time, and one new daemon in the end
        int most = 0;
        Instant until = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(until)) {
            most = Math.max(most, daemonsOf(b.controlDir()).size());
            Thread.sleep(50);
        }
        List<String> after = daemonsOf(b.controlDir());
        assertThat(most).as("daemons alive at once after the kill").isEqualTo(1);
        assertThat(after).hasSize(1);
        assertThat(after.get(0)).doesNotStartWith(first + " ");
        String console = b.console();
        assertThat(console.split("started a new one with --resume", -1)).as(console).hasSize(2);
        assertThat(ProcessHandle.of(b.servicePid())).as("the service, adopted, not restarted").isPresent();

        b.releaseAndExpectCleanSuccess();
    }

    /**
     * Issue #10, item 2: a {@code withCredentials} secret reaches the service, but no file beside the workspace holds
     * it while the block runs, and the control directory is gone when the block has ended. ({@code set +x}: the
     * shell's own trace of the check would write the expanded secret into durable-task's log file.)
     */
    @Test
    void aCredentialReachesTheServiceButNoFileAndTheControlDirectoryIsRemoved(RealJenkins j) throws Exception {
        String secret = "s3cr3t-" + Long.toHexString(System.nanoTime());
        j.groovy("""
                import com.cloudbees.plugins.credentials.CredentialsScope
                import com.cloudbees.plugins.credentials.SystemCredentialsProvider
                import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl
                import hudson.util.Secret
                def store = SystemCredentialsProvider.getInstance()
                store.getCredentials().removeIf { it.id == 'api-token' }
                store.getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL, 'api-token', 'test',
                        Secret.fromString('%s')))
                store.save()
                """.formatted(secret));
        String log = j.runToSuccess("credentials", """
                node {
                  withCredentials([string(credentialsId: 'api-token', variable: 'API_TOKEN')]) {
                    supervisedService(name: 'svc', command: 'test -n "$API_TOKEN" && echo "token length ${#API_TOKEN}"; while true; do sleep 0.2; done',
                                      ready: [log: 'token length', timeout: '30s']) {
                      sh 'set +x; ls -d "$WORKSPACE@tmp"/supervised-* && if grep -rlF "$API_TOKEN" "$WORKSPACE@tmp"; then echo SECRET ON DISK; exit 1; fi; echo no file holds the secret'
                    }
                  }
                }
                """, Duration.ofMinutes(3));
        assertThat(log).contains("token length " + secret.length(), "no file holds the secret").doesNotContain(secret);
        Path tmp = j.home().resolve("workspace/credentials@tmp");
        try (Stream<Path> left = Files.exists(tmp) ? Files.list(tmp) : Stream.empty()) {
            assertThat(left.map(p -> p.getFileName().toString())).as("control directories left in " + tmp)
                    .noneMatch(n -> n.startsWith("supervised-"));
        }
    }
}
