package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.engine.shard.TimingHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local Maven shards of one module run as one build whose forks share the classes (#12), once earlier runs timed the
 * tests; shards of several modules or of a POM that sets how its tests fork, other presets, container shards and
 * {@code SELFTEST_KEEP_SHARDS} stay as asked.
 */
class TestDiscoveryTest {

    /** Two classes of 30 s each, timed by a run of two local shards whose starts cost 4 s: two units pay. */
    private static final TimingHistory TIMED = TimingHistory.of(List.of(new TimingHistory.PastRun(
            Map.of("p.ATest", 30.0, "q.BTest", 30.0), true, List.of(4.0, 4.0))));

    @TempDir
    Path tmp;

    @Test
    void localShardsOfOneModuleRunAsOneMavenBuildWithTheirWorkersAsForks() throws IOException {
        Path ws = project(tmp.resolve("one"), "");
        ShardPlan plan = plan(options(ws), true);

        assertThat(plan.shardCount()).isEqualTo(1);
        assertThat(plan.shards().get(0).workers()).isEqualTo(2);
        assertThat(plan.shards().get(0).tests()).containsExactlyInAnyOrder("p.ATest", "q.BTest");
        assertThat(plan.problems()).containsExactly("ran the 2 local shards as one Maven build with 2 forks, which take "
                + "the test classes as they go: Maven starts once, and no shard waits for another's slow classes "
                + "(set SELFTEST_KEEP_SHARDS=1 to run as asked)");
    }

    @Test
    void aReactorWhoseTestsAreInOneModuleRunsAsOneBuildToo() throws IOException {
        Path ws = project(tmp.resolve("reactor"), "core");
        Files.createDirectories(ws.resolve("api"));
        Files.writeString(ws.resolve("api/pom.xml"), "<project><artifactId>api</artifactId></project>");
        Files.writeString(ws.resolve("pom.xml"), "<project><artifactId>root</artifactId><packaging>pom</packaging>"
                + "<modules><module>api</module><module>core</module></modules></project>");

        assertThat(plan(options(ws), true).shardCount()).isEqualTo(1);
    }

    @Test
    void shardsOfSeveralModulesOrForkSettingsContainersOtherPresetsAndKeptShardsStayAsAsked() throws IOException {
        Path reactor = tmp.resolve("two");
        Files.createDirectories(reactor);
        Files.writeString(reactor.resolve("pom.xml"), "<project><artifactId>root</artifactId><packaging>pom</packaging>"
                + "<modules><module>a</module><module>b</module></modules></project>");
        testClass(reactor.resolve("a"), "p/ATest");
        testClass(reactor.resolve("b"), "q/BTest");
        Files.writeString(reactor.resolve("a/pom.xml"), "<project><artifactId>a</artifactId></project>");
        Files.writeString(reactor.resolve("b/pom.xml"), "<project><artifactId>b</artifactId></project>");
        assertThat(plan(options(reactor), true).shardCount()).as("tests in two modules").isEqualTo(2);

        Path forked = project(tmp.resolve("forked"), "");
        Files.writeString(forked.resolve("pom.xml"), "<project><artifactId>forked</artifactId><properties>"
                + "<forkCount>2</forkCount></properties></project>");
        assertThat(plan(options(forked), true).shardCount()).as("forkCount as a property: -DforkCount sets it")
                .isEqualTo(1);
        Files.writeString(forked.resolve("pom.xml"), "<project><artifactId>forked</artifactId><build><plugins><plugin>"
                + "<artifactId>maven-surefire-plugin</artifactId><configuration><reuseForks>false</reuseForks>"
                + "</configuration></plugin></plugins></build></project>");
        assertThat(plan(options(forked), true).shardCount()).as("a POM that sets how its tests fork").isEqualTo(2);

        Path ws = project(tmp.resolve("one"), "");
        assertThat(plan(options(ws), false).shardCount()).as("not all local here").isEqualTo(2);
        assertThat(plan(options(ws).framework(Framework.CUSTOM).command("true"), true).shardCount())
                .as("a custom command").isEqualTo(2);
        Map<String, String> keep = new HashMap<>(System.getenv());
        keep.put(TestDiscovery.KEEP_SHARDS, "1");
        assertThat(plan(options(ws).hostEnvironment(keep), true).shardCount()).as("kept").isEqualTo(2);
        assertThat(TestDiscovery.plan(options(ws).build(), true, CompletableFuture.completedFuture(TimingHistory.EMPTY))
                .shardCount()).as("no earlier run timed the tests").isEqualTo(2);
    }

    private static SelfTestOptions.Builder options(Path ws) {
        return SelfTestOptions.builder(ws).framework(Framework.MAVEN).shards(2).workers(2);
    }

    private static ShardPlan plan(SelfTestOptions.Builder options, boolean allLocalHere) throws IOException {
        return TestDiscovery.plan(options.build(), allLocalHere, CompletableFuture.completedFuture(TIMED));
    }

    /** A project with the test classes p.ATest and q.BTest, in {@code module} ("" for a one-module project). */
    private static Path project(Path ws, String module) throws IOException {
        Path dir = module.isEmpty() ? ws : ws.resolve(module);
        testClass(dir, "p/ATest");
        testClass(dir, "q/BTest");
        Files.writeString(dir.resolve("pom.xml"), "<project><artifactId>" + (module.isEmpty() ? "one" : module)
                + "</artifactId></project>");
        return ws;
    }

    /** A compiled class file (this one's bytes: the catalog reads only its flags) named {@code path} in the module. */
    private static void testClass(Path module, String path) throws IOException {
        Path file = module.resolve("target/test-classes/" + path + ".class");
        Files.createDirectories(file.getParent());
        try (var in = TestDiscoveryTest.class.getResourceAsStream("TestDiscoveryTest.class")) {
            Files.write(file, in.readAllBytes());
        }
    }
}
