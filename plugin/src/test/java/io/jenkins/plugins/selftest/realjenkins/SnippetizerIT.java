package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the Snippet Generator writes must run: every step and nested describable, with every parameter set, goes
 * through structs (instantiate, uninstantiate, instantiate again: the same values) and the Snippetizer, and the
 * generated snippet is then run as a Pipeline. Nested describables ({@code backoff(...)}, {@code ready(...)},
 * {@code service(...)}) resolve only through the {@code @Symbol} index.
 */
@ExtendWith(RealJenkinsExtension.class)
class SnippetizerIT {

    /** Instantiates {@code map} for {@code type}, checks the structs round trip and prints the snippet. */
    private static String snippetOf(RealJenkins j, String type, String map) throws Exception {
        String out = j.groovy("""
                import org.jenkinsci.plugins.structs.describable.DescribableModel
                import org.jenkinsci.plugins.workflow.cps.Snippetizer
                def model = new DescribableModel(%s)
                def step = model.instantiate(%s)
                def args = DescribableModel.uninstantiate2_(step).toMap()
                def again = model.instantiate(args)
                def argsAgain = DescribableModel.uninstantiate2_(again).toMap()
                println 'ROUNDTRIP=' + (args == argsAgain)
                println 'SNIPPET=' + Snippetizer.object2Groovy(step).replace('\\n', ' ')
                """.formatted(type, map));
        assertThat(out).as(out).contains("ROUNDTRIP=true");
        Matcher m = Pattern.compile("SNIPPET=(.*)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1).strip();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void singleServiceWithEveryParameterRunsFromItsSnippet(RealJenkins j) throws Exception {
        int port = freePort();
        String snippet = snippetOf(j, "io.jenkins.plugins.selftest.steps.SupervisedServiceStep", """
                [name: 'web', command: 'echo "greeting=$GREETING"; exec python3 -u -m http.server %d --bind 127.0.0.1',
                 dir: 'site', env: ['GREETING=hello'], restart: 'always', maxRestarts: 2, onGiveUp: 'unstable',
                 log: 'both', startSeconds: '1s', stopTimeout: '5s',
                 backoff: [initial: '300ms', factor: 3.0d, max: '5s', resetAfter: '20s'],
                 ready: [port: %d, http: 'http://127.0.0.1:%d/', log: 'Serving HTTP', command: 'true',
                         interval: '200ms', timeout: '60s']]
                """.formatted(port, port, port));
        assertThat(snippet).startsWith("supervisedService(")
                .contains("backoff: backoff(", "ready: ready(", "dir: 'site'", "env: ['GREETING=hello']");
        String url = "http://127.0.0.1:" + port + "/index.html";
        String body = "sh 'curl -sf " + url + " && echo body saw the service'";
        String console = j.runToSuccess("snippet-single", """
                node {
                  sh 'mkdir -p site && echo page > site/index.html'
                  %s
                  sh '! curl -sf %s && echo service gone after the block'
                }
                """.formatted(snippet.replace("// some block", body), url), Duration.ofMinutes(3));
        assertThat(console).contains("body saw the service", "[web] greeting=hello", "service gone after the block");
    }

    @Test
    void severalServicesWithEveryParameterRunFromTheirSnippet(RealJenkins j) throws Exception {
        String snippet = snippetOf(j, "io.jenkins.plugins.selftest.steps.SupervisedServiceStep", """
                [services: [
                   [name: 'db', command: 'echo db up; exec sleep 600', dir: 'db', env: ['ROLE=db'],
                    restart: 'on-failure', maxRestarts: 1, startSeconds: '0s', stopTimeout: '3s',
                    backoff: [initial: '100ms', factor: 2.0d, max: '1s', resetAfter: '5s'],
                    ready: [log: 'db up', timeout: '30s', interval: '100ms']],
                   [name: 'api', command: 'echo "api after $ROLE"; exec sleep 600', env: ['ROLE=api'],
                    dependsOn: ['db'], restart: 'never', ready: [command: 'true', timeout: '30s']]],
                 onGiveUp: 'fail', log: 'stream']
                """);
        assertThat(snippet).contains("services: [service(", "dependsOn: ['db']");
        String console = j.runToSuccess("snippet-services", """
                node {
                  sh 'mkdir -p db'
                  %s
                }
                """.formatted(snippet.replace("// some block", "echo 'body ran'")), Duration.ofMinutes(3));
        assertThat(console).contains("[db] db up", "[api] api after api", "body ran");
        assertThat(console.indexOf("[db] db up")).isLessThan(console.indexOf("[api] api after"));
    }

    @Test
    void snippetGeneratorFormOfSeveralServicesWithEnvAndDependsOnRuns(RealJenkins j) throws Exception {
        // what the Snippet Generator's form posts: text fields as strings, env one NAME=value per line
        String form = """
                {"stapler-class": "io.jenkins.plugins.selftest.steps.SupervisedServiceStep",
                 "$class": "io.jenkins.plugins.selftest.steps.SupervisedServiceStep",
                 "name": "", "command": "", "restart": "on-failure", "maxRestarts": "5", "startSeconds": "0s",
                 "stopTimeout": "10s", "dir": "", "onGiveUp": "fail", "log": "stream",
                 "services": [
                   {"name": "db", "command": "echo \\"db $ROLE $LEVEL\\"; exec sleep 600", "restart": "on-failure",
                    "maxRestarts": "1", "startSeconds": "0s", "stopTimeout": "3s", "dir": "",
                    "env": "ROLE=primary\\nLEVEL=2", "dependsOn": "",
                    "backoff": {"initial": "100ms", "factor": "2", "max": "1s", "resetAfter": "5s"},
                    "ready": {"log": "db primary", "timeout": "30s", "interval": "100ms", "port": "", "http": "", "command": ""}},
                   {"name": "api", "command": "echo api up; exec sleep 600", "restart": "never", "maxRestarts": "5",
                    "startSeconds": "0s", "stopTimeout": "10s", "dir": "", "env": "", "dependsOn": "db",
                    "ready": {"log": "api up", "timeout": "30s", "interval": "250ms", "port": "", "http": "", "command": ""}}]}
                """;
        var r = j.post("pipeline-syntax/generateSnippet", java.util.Map.of("json", form));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String snippet = r.body().strip();
        assertThat(snippet).startsWith("supervisedService(")
                .contains("env: ['ROLE=primary', 'LEVEL=2']", "dependsOn: ['db']", "backoff: backoff(");
        String console = j.runToSuccess("snippet-form", "node {\n" + snippet.replace("// some block", "echo 'body ran'")
                + "\n}\n", Duration.ofMinutes(3));
        assertThat(console).contains("[db] db primary 2", "[api] api up", "body ran");
    }

    @Test
    void selfTestWithEveryParameterRunsFromItsSnippet(RealJenkins j) throws Exception {
        String snippet = snippetOf(j, "io.jenkins.plugins.selftest.steps.SelfTestStep", """
                [shards: 2, workers: 2, framework: 'maven', tests: '*Test', excludes: 'Slow*', runtime: 'none',
                 timeout: '10m', coverage: true, coverageClasses: 'target/classes', coverageSources: 'src/main/java',
                 coverageExec: '**/extra-*.exec', orphans: true, orphansRecursive: true, failOnError: true,
                 unstableOnFailures: true]
                """);
        assertThat(snippet).startsWith("selfTest ").contains("excludes: 'Slow*'", "orphansRecursive: true");
        String console = j.runToSuccess("snippet-selftest", """
                node {
                  sh 'rm -rf * && cp -r %s/. .'
                  %s
                }
                """.formatted(Examples.calculator(), snippet), Duration.ofMinutes(5));
        assertThat(console).contains("selfTest: 32 tests: 32 passed");
    }

    /** #11 item 5: the image archive field survives the structs round trip and its form check answers. */
    @Test
    void selfTestImageArchiveRoundTripsAndItsFormCheckAnswers(RealJenkins j) throws Exception {
        String snippet = snippetOf(j, "io.jenkins.plugins.selftest.steps.SelfTestStep",
                "[runtime: 'podman', imageArchive: 'images/java17.tar']");
        assertThat(snippet).startsWith("selfTest ").contains("imageArchive: 'images/java17.tar'", "runtime: 'podman'");
        String base = "descriptorByName/io.jenkins.plugins.selftest.steps.SelfTestStep/";
        var bad = j.get(base + "checkImageArchive?value=../java17.tar");
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThat(bad.body()).contains("class=\"error\"", "leads out of the workspace");
        assertThat(j.get(base + "checkImageArchive?value=images/java17.tar").body()).doesNotContain("error");

        // an agent without the image: it comes from an archive in the workspace (the test image under a fresh tag)
        String tag = "localhost/selftest-snippet-" + Long.toHexString(System.nanoTime()) + ":it";
        String console = j.runToSuccess("snippet-image-archive", """
                node {
                  sh 'rm -rf * && cp -r %s/. . && mkdir images'
                  sh 'podman tag localhost/selftest-java17:latest %s && podman save -o images/it.tar %s && podman rmi %s'
                  %s, shards: 2, tests: 'CalculatorTest, FractionTest', coverage: false, orphans: false, mounts: '/usr, /etc/alternatives, /etc/java-17-openjdk, /etc/maven, /etc/ssl/certs'
                  sh 'podman rmi %s'
                }
                """.formatted(Examples.calculator(), tag, tag, tag, snippet.replace("java17.tar", "it.tar"), tag),
                Duration.ofMinutes(6));
        assertThat(console).contains("selfTest: loaded image " + tag + " from images/it.tar (imageArchive)",
                "image " + tag + ")", "maven repository", "(offline; filled by the image's mvn in prepare)")
                .containsPattern("selfTest: \\d+ tests: \\d+ passed");
    }

    /**
     * {@code args} (#11): the snippet of both steps keeps it, the form check refuses what breaks sharding, and a
     * Pipeline runs a multi-module reactor (the engine's fixture: a parent that enforces the Maven version and binds
     * build-helper, modules that need each other and a test-jar) in 2 shards with the arguments on every shard's
     * Maven: one test expects the mode the property names, so the property alone adds exactly one failure.
     */
    @Test
    void argsRoundTripAreCheckedAndReachEveryShardOfAReactor(RealJenkins j) throws Exception {
        String snippet = snippetOf(j, "io.jenkins.plugins.selftest.steps.SelfTestStep",
                "[shards: 2, args: '-Dexpected.mode=strict', unstableOnFailures: true]");
        assertThat(snippet).startsWith("selfTest ").contains("args: '-Dexpected.mode=strict'");
        assertThat(snippetOf(j, "io.jenkins.plugins.selftest.steps.SelfTestPlanStep", "[shards: 2, args: '-Pci']"))
                .contains("args: '-Pci'");
        String base = "descriptorByName/io.jenkins.plugins.selftest.steps.SelfTestStep/";
        assertThat(j.get(base + "checkArgs?value=-Dtest%3DFooTest&framework=maven").body())
                .contains("class=\"error\"", "chooses the tests");
        assertThat(j.get(base + "checkArgs?value=-Pci&framework=maven").body()).doesNotContain("error");

        RealJenkins.Build b = j.run("snippet-args-reactor", """
                node {
                  sh 'rm -rf * && cp -r %s/. .'
                  def plain = selfTest(shards: 2, coverage: false, orphans: false, timeout: '15m')
                  echo "PLAIN ${plain.total} tests, ${plain.failed} failed, ${plain.skipped} skipped"
                  def r = %s, coverage: false, orphans: false, timeout: '15m'
                  echo "ARGS ${r.total} tests, ${r.failed} failed, ${r.skipped} skipped"
                }
                """.formatted(Examples.reactor(), snippet), Duration.ofMinutes(20));
        String console = j.console("snippet-args-reactor", b.number());
        assertThat(b.result()).as(console).isEqualTo("UNSTABLE");
        assertThat(console).contains("PLAIN 26 tests, 1 failed, 1 skipped", "ARGS 26 tests, 2 failed, 1 skipped")
                .doesNotContain("Could not find artifact");
    }

    @Test
    void planAndPublishRoundTripAndRunFromTheirSnippets(RealJenkins j) throws Exception {
        String plan = snippetOf(j, "io.jenkins.plugins.selftest.steps.SelfTestPlanStep",
                "[shards: 2, framework: 'maven', tests: '*Test', excludes: 'Slow*', timeout: '10m']");
        String publish = snippetOf(j, "io.jenkins.plugins.selftest.steps.SelfTestPublishStep",
                "[failOnError: false, unstableOnFailures: false]");
        assertThat(plan).startsWith("selfTestPlan ");
        assertThat(publish).startsWith("selfTestPublish ");
        String console = j.runToSuccess("snippet-scaleout", """
                node {
                  sh 'rm -rf * && cp -r %s/. .'
                  def shards = %s
                  echo "planned ${shards.size()} shards"
                  for (int i = 0; i < shards.size(); i++) {
                    selfTest(shard: i, timeout: '10m')
                  }
                  %s
                }
                """.formatted(Examples.calculator(), plan, publish), Duration.ofMinutes(5));
        assertThat(console).contains("planned 2 shards");
    }

    /**
     * The form checks and drop-downs of the Snippet Generator answer in a real Jenkins, for both forms of a service:
     * the step's own fields and a {@code service(...)} of {@code services:} share them through an interface, which
     * Stapler must find as it finds a descriptor's own methods.
     */
    @Test
    void serviceFormChecksAnswerForBothServiceForms(RealJenkins j) throws Exception {
        for (String describable : new String[] {"io.jenkins.plugins.selftest.steps.SupervisedServiceStep",
                "io.jenkins.plugins.selftest.steps.ServiceDefinition"}) {
            String base = "descriptorByName/" + describable + "/";
            var bad = j.get(base + "checkMaxRestarts?value=-2");
            assertThat(bad.statusCode()).as(describable).isEqualTo(200);
            assertThat(bad.body()).as(describable).contains("class=\"error\"", "-2 is not allowed");
            var good = j.get(base + "checkMaxRestarts?value=3");
            assertThat(good.statusCode()).as(describable).isEqualTo(200);
            assertThat(good.body()).as(describable).doesNotContain("error");
            assertThat(j.get(base + "checkStopTimeout?value=soon").body()).as(describable).contains("error", "soon");
            var restart = j.get(base + "fillRestartItems");
            assertThat(restart.statusCode()).as(describable).isEqualTo(200);
            assertThat(restart.body()).as(describable).contains("on-failure", "always", "never");
        }
    }

    /**
     * Issue #13: a container service and ports through the structs round trip: {@code port: 'auto'} stays text,
     * {@code port: 5432} a number (both bind to one text field, which the form needs), and the snippet runs.
     */
    @Test
    void containerServiceAndPortsRoundTripAndRunFromTheirSnippet(RealJenkins j) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("true".equalsIgnoreCase(System.getenv("CI"))
                || ContainerServiceIT.podman("image", "exists", ContainerServiceIT.IMAGE).exit() == 0,
                "podman or the service image (scripts/build-service-image.sh) is missing");
        int fixed = freePort();
        String snippet = snippetOf(j, "io.jenkins.plugins.selftest.steps.SupervisedServiceStep", """
                [services: [[name: 'web', image: '%s', command: '/bin/serve', ports: ['8080'], volumes: ['data:/data'],
                             runtime: 'podman', env: ['GREETING=from the snippet'],
                             ready: [http: '/health', healthcheck: true, exec: 'wget -q -O /dev/null http://127.0.0.1:8080/health', timeout: '3m']],
                            [name: 'api', command: 'exec python3 -m http.server $PORT --bind 127.0.0.1', port: 'auto',
                             dependsOn: ['web'], ready: [port: 'auto', timeout: '3m']],
                            [name: 'fixed', command: 'exec python3 -m http.server $PORT --bind 127.0.0.1', port: %d,
                             ready: [port: %d, timeout: '3m']]]]
                """.formatted(ContainerServiceIT.IMAGE, fixed, fixed));
        assertThat(snippet).contains("image: '" + ContainerServiceIT.IMAGE + "'", "ports: ['8080']",
                "volumes: ['data:/data']", "runtime: 'podman'", "port: 'auto'", "port: " + fixed,
                "healthcheck: true", "exec: 'wget").doesNotContain("port: '" + fixed + "'");
        String console = j.runToSuccess("snippet-container", "node {\n" + snippet.replace("// some block",
                "sh 'curl -fsS http://$SERVICE_WEB_HOST:$SERVICE_WEB_PORT/ && curl -fsS -o /dev/null"
                        + " http://127.0.0.1:$SERVICE_API_PORT/ && echo FIXED=$SERVICE_FIXED_PORT'") + "\n}\n",
                Duration.ofMinutes(5));
        assertThat(console).contains("from the snippet", "FIXED=" + fixed);
    }

    @Test
    void containerAndPortFormChecksAnswerForBothServiceForms(RealJenkins j) throws Exception {
        for (String describable : new String[] {"io.jenkins.plugins.selftest.steps.SupervisedServiceStep",
                "io.jenkins.plugins.selftest.steps.ServiceDefinition"}) {
            String base = "descriptorByName/" + describable + "/";
            assertThat(j.get(base + "checkPort?value=any").body()).as(describable).contains("class=\"error\"", "auto");
            assertThat(j.get(base + "checkPort?value=auto").body()).as(describable).doesNotContain("error");
            assertThat(j.get(base + "checkPorts?value=5432,%205433:5433").body()).as(describable)
                    .contains("class=\"error\"", "5433:5433", "HOST:CONTAINER is not accepted");
            assertThat(j.get(base + "checkVolumes?value=data:/data%0A/etc:/host").body()).as(describable)
                    .contains("class=\"error\"", "host paths outside the workspace are refused");
            assertThat(j.get(base + "checkVolumes?value=data:/data%0Afixtures:/fixtures:ro").body()).as(describable)
                    .doesNotContain("error");
            assertThat(j.get(base + "fillRuntimeItems").body()).as(describable).contains("podman", "docker", "auto");
        }
        String ready = "descriptorByName/io.jenkins.plugins.selftest.steps.ReadinessSettings/";
        assertThat(j.get(ready + "checkPort?value=auto").body()).doesNotContain("error");
        assertThat(j.get(ready + "checkPort?value=70000").body()).contains("class=\"error\"", "70000");
    }
}
