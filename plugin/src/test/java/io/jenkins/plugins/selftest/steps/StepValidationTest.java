package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.fakes.FakeContext;
import io.jenkins.plugins.selftest.fakes.FakeListener;
import io.jenkins.plugins.selftest.fakes.FakeRun;
import io.jenkins.plugins.selftest.fakes.FakeServiceAgent;
import io.jenkins.plugins.selftest.fakes.FakeWiring;
import io.jenkins.plugins.selftest.fakes.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every parameter of every step that can be given a bad value: the setter keeps it (structs would turn an exception
 * there into a stack trace), and {@code start()} fails with exactly one line naming the step, the field, the value and
 * the fix, as an {@link AbortException} (which Pipeline prints without a stack trace).
 */
class StepValidationTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private FakeContext context;
    /** The agent of supervisedService, which a bad value never reaches: validation comes first. */
    private final FakeServiceAgent agent = new FakeServiceAgent();

    @BeforeEach
    void setUp() throws Exception {
        context = new FakeContext().with(TaskListener.class, new FakeListener()).with(Run.class, new FakeRun())
                .with(EnvVars.class, new EnvVars());
    }

    private static final String DURATION_FIX = "is not a duration: use e.g. 200ms, 30s, 5m, 1h or a number of seconds";

    static Stream<Arguments> supervisedService() {
        return Stream.of(
                bad("restart", s -> s.setRestart("sometimes"),
                        "supervisedService: restart: 'sometimes' is not one of always, on-failure, never; pick one of those"),
                bad("maxRestarts", s -> s.setMaxRestarts(-2),
                        "supervisedService: maxRestarts: -2 is not allowed: use -1 (no limit) or 0 or more"),
                bad("onGiveUp", s -> s.setOnGiveUp("panic"),
                        "supervisedService: onGiveUp: 'panic' is not one of fail, unstable, ignore; pick one of those"),
                bad("log", s -> s.setLog("syslog"),
                        "supervisedService: log: 'syslog' is not one of stream, file, both; pick one of those"),
                bad("startSeconds", s -> s.setStartSeconds("soon"), "supervisedService: startSeconds: 'soon' " + DURATION_FIX),
                bad("stopTimeout", s -> s.setStopTimeout("later"), "supervisedService: stopTimeout: 'later' " + DURATION_FIX),
                bad("env", s -> s.setEnv(List.of("PORT=1", "DEBUG")),
                        "supervisedService: env: 'DEBUG' is not KEY=value; write one variable as NAME=value, e.g. 'PORT=8080'"),
                bad("dir", s -> s.setDir("../../etc"), "supervisedService: dir: '../../etc' is outside the workspace: "
                        + "give a path relative to the workspace, e.g. dir: 'services/api'"),
                bad("backoff.factor", s -> s.setBackoff(backoff(b -> b.setFactor(0.5))),
                        "supervisedService: backoff.factor: 0.5 must be at least 1 (1 keeps the delay fixed)"),
                bad("backoff.factor (NaN)", s -> s.setBackoff(backoff(b -> b.setFactor(Double.NaN))),
                        "supervisedService: backoff.factor: 'NaN' is not a finite number: give a decimal number such as 2 or 1.5"),
                bad("backoff.factor (Infinity)", s -> s.setBackoff(backoff(b -> b.setFactor(Double.POSITIVE_INFINITY))),
                        "supervisedService: backoff.factor: 'Infinity' is not a finite number: give a decimal number such as 2 or 1.5"),
                bad("backoff.initial", s -> s.setBackoff(backoff(b -> b.setInitial("fast"))),
                        "supervisedService: backoff.initial: 'fast' " + DURATION_FIX),
                bad("backoff.max", s -> s.setBackoff(backoff(b -> b.setMax("-5s"))),
                        "supervisedService: backoff.max: '-5s' " + DURATION_FIX),
                bad("backoff.resetAfter", s -> s.setBackoff(backoff(b -> b.setResetAfter("1 minute"))),
                        "supervisedService: backoff.resetAfter: '1 minute' " + DURATION_FIX),
                bad("ready.port", s -> s.setReady(ready(r -> r.setPort("70000"))),
                        "supervisedService: ready.port: 70000 is not a TCP port: use 'auto' or 1 to 65535"),
                bad("ready.port (negative)", s -> s.setReady(ready(r -> r.setPort("-1"))),
                        "supervisedService: ready.port: -1 is not a TCP port: use 'auto' or 1 to 65535"),
                bad("ready.timeout", s -> s.setReady(ready(r -> r.setTimeout("forever"))),
                        "supervisedService: ready.timeout: 'forever' " + DURATION_FIX),
                bad("ready.interval", s -> s.setReady(ready(r -> r.setInterval("often"))),
                        "supervisedService: ready.interval: 'often' " + DURATION_FIX),
                bad("ready.http", s -> s.setReady(ready(r -> r.setHttp("localhost:8080"))),
                        "supervisedService: ready.http: 'localhost:8080' is not an http:// or https:// URL, nor a path"
                                + " (/health) on the service's own port"),
                bad("port", s -> s.setPort("any"),
                        "supervisedService: port: 'any' is not a port: use 'auto' or 1 to 65535"),
                bad("command (neither command nor image)", s -> s.setCommand(null),
                        "supervisedService: command: service 'api' needs a command, e.g. command: 'java -jar app.jar',"
                                + " or an image, e.g. image: 'postgres:16'"),
                bad("ports", s -> container(s).setPorts(List.of("5432:5432")),
                        "supervisedService: ports: '5432:5432' is not a container port: give 1 to 65535, optionally with"
                                + " /tcp or /udp (the host port is always a free one; HOST:CONTAINER is not accepted)"),
                bad("ports without an image", s -> s.setPorts(List.of("5432")),
                        "supervisedService: ports: applies to container services only: give an image, or remove ports"),
                bad("volumes (a host path)", s -> container(s).setVolumes(List.of("/etc:/host-etc")),
                        "supervisedService: volumes: '/etc:/host-etc' mounts the host path '/etc': host paths outside the"
                                + " workspace are refused; give a directory relative to the workspace, or a volume name"),
                bad("volumes (out of the workspace)", s -> container(s).setVolumes(List.of("../other:/data")),
                        "supervisedService: volumes: '../other:/data' leads out of the workspace: give a directory inside it,"
                                + " or a volume name"),
                bad("runtime", s -> container(s).setRuntime("lxc"),
                        "supervisedService: runtime: 'lxc' is not a container runtime: use podman or docker"),
                bad("dockerHost", s -> container(s).setDockerHost("build-host:2376"),
                        "supervisedService: dockerHost: 'build-host:2376' is not an engine address: give unix:///path.sock,"
                                + " tcp://host:2376 or ssh://user@host"),
                bad("dir of a container", s -> container(s).setDir("services"),
                        "supervisedService: dir: applies to process services only: a container starts in its image's"
                                + " WORKDIR; remove dir, or mount a workspace directory with volumes"),
                bad("services[0].image", s -> s.setServices(List.of(service("db", d -> d.setImage("postgres 16")))),
                        "supervisedService: services[0].image: 'postgres 16' is not an image name: give e.g. postgres:16 or"
                                + " localhost/my-image"),
                bad("services[1].restart", s -> s.setServices(List.of(service("db", d -> { }),
                                service("api", d -> d.setRestart("sometimes")))),
                        "supervisedService: services[1].restart: 'sometimes' is not one of always, on-failure, never; "
                                + "pick one of those"),
                bad("services[1].dependsOn", s -> s.setServices(List.of(service("db", d -> { }),
                                service("api", d -> d.setDependsOn(List.of("cache"))))),
                        "supervisedService: services[1].dependsOn: 'cache' is not a service here: use one of db, api"),
                bad("services[0].maxRestarts", s -> s.setServices(List.of(service("db", d -> d.setMaxRestarts(-5)))),
                        "supervisedService: services[0].maxRestarts: -5 is not allowed: use -1 (no limit) or 0 or more"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("supervisedService")
    void supervisedServiceRejectsABadValueWithOneLine(String field, Consumer<SupervisedServiceStep> set, String message) {
        SupervisedServiceStep step = api();
        set.accept(step); // a setter never throws: structs would print the exception with its stack trace

        Throwable t = catchThrowable(() -> execution(step).start());

        assertThat(t).isExactlyInstanceOf(AbortException.class).hasMessage(message).hasNoCause();
        assertThat(t.getMessage()).doesNotContain("\n");
        assertThat(scheduler.queued()).as("nothing is launched").isZero();
    }

    static Stream<Arguments> selfTest() {
        return Stream.of(
                badSelfTest("shards", s -> s.setShards(-1), "selfTest: shards: -1 is less than 1; give 1 or more"),
                badSelfTest("shards (0)", s -> s.setShards(0), "selfTest: shards: 0 is less than 1; give 1 or more"),
                badSelfTest("shards (too many)", s -> s.setShards(100_000),
                        "selfTest: shards: 100000 is more than 256; give 256 or less"),
                badSelfTest("workers (too many)", s -> s.setWorkers(1_000_000),
                        "selfTest: workers: 1000000 is more than 1024; give 1024 or less"),
                badSelfTest("workers", s -> s.setWorkers(-4), "selfTest: workers: -4 is less than 0; give 0 or more"),
                badSelfTest("shard", s -> s.setShard(-1), "selfTest: shard: -1 is less than 0; give 0 or more"),
                badSelfTest("framework", s -> s.setFramework("ant"),
                        "selfTest: framework: 'ant' is not one of maven, gradle, pytest, custom; pick one of those"),
                badSelfTest("runtime", s -> s.setRuntime("dockr"),
                        "selfTest: runtime: 'dockr' is not one of none, docker, podman; pick one of those"),
                badSelfTest("timeout", s -> s.setTimeout("soon"), "selfTest: timeout: 'soon' is not a positive duration; "
                        + "write it as 20m, 90s, 1h30m or an ISO-8601 duration"),
                badSelfTest("timeout (0)", s -> s.setTimeout("0s"), "selfTest: timeout: '0s' is not a positive duration; "
                        + "write it as 20m, 90s, 1h30m or an ISO-8601 duration"),
                badSelfTest("command", s -> s.setFramework("custom"), "selfTest: command: framework 'custom' needs a command, "
                        + "e.g. command: 'make test SHARD=$SELFTEST_SHARD_INDEX OUT=$SELFTEST_REPORTS_DIR'"),
                badSelfTest("image", s -> { s.setRuntime("podman"); s.setImage(" "); },
                        "selfTest: image: runtime 'podman' needs an image name (or leave image out for the default image)"),
                badSelfTest("mounts", s -> s.setMounts("/srv/data:/data, ~/.ssh"), "selfTest: mounts: mount '~/.ssh' "
                        + "needs an absolute host path: write HOST[:CONTAINER][:ro|:rw] with absolute paths, e.g. "
                        + "/opt/tools or /srv/data:/data:ro"),
                badSelfTest("args", s -> s.setArgs("-Pci -Dtest=FooTest"), "selfTest: args: '-Dtest=FooTest' chooses "
                        + "the tests: selftest gives each shard its own; use tests/excludes (--include/--exclude) instead"),
                badSelfTest("args (modules)", s -> s.setArgs("-pl core"), "selfTest: args: '-pl' chooses the modules: "
                        + "selftest runs each shard in the modules that hold its tests; leave it out"),
                badSelfTest("args (quote)", s -> s.setArgs("-Dx='open"),
                        "selfTest: args: '-Dx='open' has an unclosed ' at character 5: close it"),
                badSelfTest("args (pytest)", s -> { s.setFramework("pytest"); s.setArgs("--numprocesses=4"); },
                        "selfTest: args: '--numprocesses=4' sets the pytest workers: give workers instead"),
                badSelfTest("args (gradle)", s -> { s.setFramework("gradle"); s.setArgs("--tests '*Slow*'"); },
                        "selfTest: args: '--tests' chooses the tests: selftest gives each shard its own; use "
                                + "tests/excludes (--include/--exclude) instead"),
                badSelfTest("imageArchive", s -> s.setImageArchive("../images/java17.tar"), "selfTest: imageArchive: "
                        + "'../images/java17.tar' leads out of the workspace; give a path or pattern relative to the workspace"),
                badSelfTest("imageArchive (absolute)", s -> s.setImageArchive("/var/cache/java17.tar"), "selfTest: "
                        + "imageArchive: '/var/cache/java17.tar' leads out of the workspace; give a path or pattern relative "
                        + "to the workspace"),
                badSelfTest("coverageExec", s -> s.setCoverageExec("/var/jacoco.exec"), "selfTest: coverageExec: "
                        + "'/var/jacoco.exec' leads out of the workspace; give a path or pattern relative to the workspace"),
                badSelfTest("coverageClasses", s -> s.setCoverageClasses("../other/classes"), "selfTest: coverageClasses: "
                        + "'../other/classes' leads out of the workspace; give a path or pattern relative to the workspace"),
                badSelfTest("coverageSources", s -> s.setCoverageSources("src/../../x"), "selfTest: coverageSources: "
                        + "'src/../../x' leads out of the workspace; give a path or pattern relative to the workspace"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selfTest")
    void selfTestRejectsABadValueWithOneLine(String field, Consumer<SelfTestStep> set, String message) {
        SelfTestStep step = new SelfTestStep();
        set.accept(step);

        Throwable t = catchThrowable(() -> step.start(context));

        assertThat(t).isExactlyInstanceOf(AbortException.class).hasMessage(message).hasNoCause();
        assertThat(t.getMessage()).doesNotContain("\n");
    }

    /** The plan's own fields (it has no shard, runtime, image or dockerHost), with the same checks as selfTest's. */
    static Stream<Arguments> selfTestPlan() {
        return Stream.of(
                plan("shards", s -> s.setShards(0), "selfTestPlan: shards: 0 is less than 1; give 1 or more"),
                plan("workers", s -> s.setWorkers(-4), "selfTestPlan: workers: -4 is less than 0; give 0 or more"),
                plan("framework", s -> s.setFramework("ant"),
                        "selfTestPlan: framework: 'ant' is not one of maven, gradle, pytest, custom; pick one of those"),
                plan("timeout", s -> s.setTimeout("soon"), "selfTestPlan: timeout: 'soon' is not a positive duration; "
                        + "write it as 20m, 90s, 1h30m or an ISO-8601 duration"),
                plan("command", s -> s.setFramework("custom"), "selfTestPlan: command: framework 'custom' needs a "
                        + "command, e.g. command: 'make test SHARD=$SELFTEST_SHARD_INDEX OUT=$SELFTEST_REPORTS_DIR'"),
                plan("args", s -> { s.setFramework("pytest"); s.setArgs("-x -n 4"); },
                        "selfTestPlan: args: '-n' sets the pytest workers: give workers instead"),
                plan("coverageClasses", s -> s.setCoverageClasses("../other/classes"), "selfTestPlan: coverageClasses: "
                        + "'../other/classes' leads out of the workspace; give a path or pattern relative to the workspace"));
    }

    private static Arguments plan(String field, Consumer<SelfTestPlanStep> set, String message) {
        return Arguments.of(field, set, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selfTestPlan")
    void selfTestPlanNamesItselfForTheSameChecks(String field, Consumer<SelfTestPlanStep> set, String message) {
        SelfTestPlanStep step = new SelfTestPlanStep();
        set.accept(step);

        Throwable t = catchThrowable(() -> step.start(context));

        assertThat(t).isExactlyInstanceOf(AbortException.class).hasMessage(message).hasNoCause();
    }

    @Test
    void everyBadFieldIsALineOfItsOwn() {
        SelfTestStep step = new SelfTestStep();
        step.setShards(-1);
        step.setRuntime("dockr");
        assertThatThrownBy(() -> step.start(context)).isExactlyInstanceOf(AbortException.class).hasMessage(
                "selfTest: shards: -1 is less than 1; give 1 or more\n"
                        + "selfTest: runtime: 'dockr' is not one of none, docker, podman; pick one of those");
        SupervisedServiceStep service = api();
        service.setRestart("sometimes");
        service.setOnGiveUp("panic");
        assertThatThrownBy(() -> execution(service).start())
                .isExactlyInstanceOf(AbortException.class).hasMessage(
                        "supervisedService: onGiveUp: 'panic' is not one of fail, unstable, ignore; pick one of those\n"
                                + "supervisedService: restart: 'sometimes' is not one of always, on-failure, never; "
                                + "pick one of those");
    }

    @Test
    void goodValuesInAnyCaseAreKeptInTheSpellingTheAgentExpects() throws Exception {
        SelfTestStep step = new SelfTestStep();
        step.setFramework(" Gradle ");
        step.setRuntime("PODMAN");
        assertThat(step.settings().framework()).isEqualTo("gradle");
        assertThat(step.settings().runtime()).isEqualTo("podman");
        SupervisedServiceStep service = api();
        service.setOnGiveUp("Unstable");
        service.setMaxRestarts(-1);
        assertThat(service.getOnGiveUp()).isEqualTo("unstable");
        execution(service).start();
        assertThat(scheduler.runNext()).isTrue();
        assertThat(agent.launchedSpec).as("a valid spec reaches the agent").isNotNull();
    }

    static Stream<Arguments> formFields() {
        return Stream.of(
                Arguments.of("maxRestarts", "-2", "maxRestarts: -2 is not allowed: use -1 (no limit) or 0 or more"),
                Arguments.of("startSeconds", "soon", "startSeconds: 'soon' " + DURATION_FIX),
                Arguments.of("stopTimeout", "later", "stopTimeout: 'later' " + DURATION_FIX),
                Arguments.of("backoff.factor", "0.5", "backoff.factor: 0.5 must be at least 1 (1 keeps the delay fixed)"),
                Arguments.of("maxRestarts", "4294967295",
                        "maxRestarts: '4294967295' is out of range: use a whole number from -2147483648 to 2147483647"),
                Arguments.of("backoff.factor", "NaN",
                        "backoff.factor: 'NaN' is not a finite number: give a decimal number such as 2 or 1.5"),
                Arguments.of("backoff.factor", "-Infinity",
                        "backoff.factor: '-Infinity' is not a finite number: give a decimal number such as 2 or 1.5"),
                Arguments.of("backoff.initial", "fast", "backoff.initial: 'fast' " + DURATION_FIX),
                Arguments.of("ready.port", "70000", "ready.port: 70000 is not a TCP port: use 'auto' or 1 to 65535"),
                Arguments.of("ready.timeout", "forever", "ready.timeout: 'forever' " + DURATION_FIX));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formFields")
    void snippetGeneratorChecksSayWhatThePipelineSays(String field, String value, String problem) {
        assertThat(ServiceSpecs.fieldProblem(field, value)).contains(problem);
        assertThat(ServiceSpecs.fieldProblem(field, "")).isEmpty();
    }

    @Test
    void snippetGeneratorChecksAcceptGoodValues() {
        assertThat(ServiceSpecs.fieldProblem("maxRestarts", "-1")).isEmpty();
        assertThat(ServiceSpecs.fieldProblem("stopTimeout", "30s")).isEmpty();
        assertThat(ServiceSpecs.fieldProblem("backoff.factor", "1.5")).isEmpty();
        assertThat(ServiceSpecs.fieldProblem("ready.port", "5432")).isEmpty();
        assertThat(SelfTestParameters.timeout("20m")).contains(Duration.ofMinutes(20));
        assertThat(SelfTestParameters.timeout("never")).isEmpty();
        assertThat(SelfTestParameters.argsProblem("maven", "-Pci -DskipITs -Drat.skip")).isEmpty();
        assertThat(SelfTestParameters.argsProblem("maven", "--resume-from :core"))
                .contains("args: '--resume-from' skips modules that hold tests: leave it out");
        assertThat(SelfTestParameters.argsProblem("custom", "-Dtest=X -n 2")).as("a custom command gets them as they are").isEmpty();
        assertThat(SelfTestParameters.argsProblem("ant", "-n 2")).as("the framework's own problem says it").isEmpty();
    }

    @Test
    void buildArgumentsReachTheSettingsSplitAsTheShellWould() throws Exception {
        SelfTestStep step = new SelfTestStep();
        step.setArgs("-Pci \"-Dgreeting=hello world\" -DskipITs");
        assertThat(step.getArgs()).isEqualTo("-Pci \"-Dgreeting=hello world\" -DskipITs");
        assertThat(step.settings().args()).containsExactly("-Pci", "-Dgreeting=hello world", "-DskipITs");
        assertThat(new SelfTestStep().settings().args()).isEmpty();
    }

    @Test
    void theServiceFormsTextFieldsBecomeLists() {
        ServiceDefinition d = new ServiceDefinition();
        d.setEnv(List.of("PORT=8080\nOPTS=a,b=c\r\n\n"));
        d.setDependsOn(List.of("db, cache  queue"));
        assertThat(d.getEnv()).containsExactly("PORT=8080", "OPTS=a,b=c");
        assertThat(d.getDependsOn()).containsExactly("db", "cache", "queue");
        ServiceDefinition.DescriptorImpl form = new ServiceDefinition.DescriptorImpl();
        assertThat(form.lines(d.getEnv())).isEqualTo("PORT=8080\nOPTS=a,b=c");
        assertThat(form.names(d.getDependsOn())).isEqualTo("db, cache, queue");
        assertThat(form.lines(null)).isEmpty();
    }

    // --- fixtures ---

    private SupervisedServiceStep.Execution execution(SupervisedServiceStep step) {
        return new SupervisedServiceStep.Execution(step, context, new FakeWiring(agent, scheduler));
    }

    private static Arguments bad(String field, Consumer<SupervisedServiceStep> set, String message) {
        return Arguments.of(field, set, message);
    }

    private static Arguments badSelfTest(String field, Consumer<SelfTestStep> set, String message) {
        return Arguments.of(field, set, message);
    }

    private static SupervisedServiceStep api() {
        SupervisedServiceStep step = new SupervisedServiceStep();
        step.setName("api");
        step.setCommand("java -jar app.jar");
        return step;
    }

    /** {@code step} as a container service of a local image (its command becomes the container's arguments). */
    private static SupervisedServiceStep container(SupervisedServiceStep step) {
        step.setImage("localhost/selftest-service");
        return step;
    }

    private static ServiceDefinition service(String name, Consumer<ServiceDefinition> set) {
        ServiceDefinition d = new ServiceDefinition();
        d.setName(name);
        d.setCommand("run-" + name);
        set.accept(d);
        return d;
    }

    private static BackoffSettings backoff(Consumer<BackoffSettings> set) {
        BackoffSettings b = new BackoffSettings();
        set.accept(b);
        return b;
    }

    private static ReadinessSettings ready(Consumer<ReadinessSettings> set) {
        ReadinessSettings r = new ReadinessSettings();
        r.setPort("8080");
        set.accept(r);
        return r;
    }
}
