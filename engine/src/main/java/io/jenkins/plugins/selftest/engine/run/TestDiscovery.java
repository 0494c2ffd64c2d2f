package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.files.IoTasks;
import io.jenkins.plugins.selftest.engine.history.RunHistory;
import io.jenkins.plugins.selftest.engine.orphans.OrphanOptions;
import io.jenkins.plugins.selftest.engine.shard.ShardPayoff;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.engine.shard.ShardPlanner;
import io.jenkins.plugins.selftest.engine.shard.TestCatalog;
import io.jenkins.plugins.selftest.engine.shard.TimingHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * The planning stage: finds the tests (compiled test classes, or source globs) and splits them into shards with the
 * timings of the history. Reads the workspace and the history file; starts nothing.
 */
final class TestDiscovery {

    /** Set to 1/true: local shards run as asked even when earlier runs show they do not pay ({@link ShardPayoff}). */
    static final String KEEP_SHARDS = "SELFTEST_KEEP_SHARDS";

    private TestDiscovery() {
    }

    /**
     * @param allLocalHere every shard runs as a local process of this machine (not in containers, not spread over
     *                     agents by a distributed run): then, once earlier runs have timed the tests, shards that they
     *                     show do not pay for their start are merged ({@link ShardPayoff}), and local Maven shards of
     *                     one module run as one build whose forks share the classes ({@link #oneMavenBuild}), unless
     *                     {@value #KEEP_SHARDS} is set
     * @throws SetupException when no test is found, naming where it looked
     */
    static ShardPlan plan(SelfTestOptions options, boolean allLocalHere) throws IOException {
        return plan(options, allLocalHere, readTimings(options));
    }

    /**
     * The history's timings, read on a thread of its own: started when a run starts, the read (in a fresh JVM mostly
     * the JSON codec's own start, about a quarter of a second) overlaps the setup checks and the preparation instead
     * of delaying the first shard. Empty timings when the run has no history file (yet).
     */
    static Future<TimingHistory> readTimings(SelfTestOptions options) {
        Optional<Path> file = options.history().filter(Files::exists);
        if (file.isEmpty()) {
            return CompletableFuture.completedFuture(TimingHistory.EMPTY);
        }
        FutureTask<TimingHistory> read = new FutureTask<>(() -> TimingHistory.fromHistory(RunHistory.load(file.get()).records()));
        Thread thread = new Thread(read, "selftest-history");
        thread.setDaemon(true);
        thread.start();
        return read;
    }

    /** {@link #plan(SelfTestOptions, boolean)} with the timings of {@link #readTimings}. */
    static ShardPlan plan(SelfTestOptions options, boolean allLocalHere, Future<TimingHistory> history)
            throws IOException {
        TestCatalog catalog = catalog(options);
        if (catalog.isEmpty()) {
            throw new SetupException("no tests found in " + (options.paths().isEmpty() ? options.testClassDirs()
                    : options.workspace() + " matching " + options.paths())
                    + (catalog.problems().isEmpty() ? "" : " (" + catalog.problems().get(0) + ")"));
        }
        TimingHistory timings = IoTasks.await(history, "reading the run history");
        int shards = options.shards();
        int workers = options.workers();
        Optional<String> note = Optional.empty();
        OptionalDouble testSeconds = timings.totalSeconds(catalog.tests());
        if (allLocalHere && testSeconds.isPresent()
                && !OrphanOptions.flag(options.hostEnvironment().get(KEEP_SHARDS)).orElse(false)) {
            ShardPayoff.Decision d = ShardPayoff.decide(testSeconds.getAsDouble(), timings.fixedSeconds(), timings.measured(),
                    shards, workers);
            shards = d.shards();
            workers = d.workers();
            note = d.note();
            if (shards > 1 && oneMavenBuild(options, catalog.tests())) {
                note = Optional.of(note.map(n -> n + "; then ").orElse("") + String.format(Locale.ROOT,
                        "ran the %d local shards as one Maven build with %d forks, which take the test classes as they "
                                + "go: Maven starts once, and no shard waits for another's slow classes (set %s=1 to "
                                + "run as asked)", shards, workers, KEEP_SHARDS));
                shards = 1;
            }
        }
        ShardPlan plan = ShardPlanner.plan(catalog.tests(), timings, shards, workers);
        return note.map(plan::withProblem).orElse(plan);
    }

    /**
     * Whether local shards of these tests would be Maven builds of the same single module (a one-module project, or
     * a reactor whose tests are all in one module): then one build with all their workers as Surefire's forks does
     * what they would, with one Maven start instead of one per shard, and its forks take the next class from one
     * queue as they finish, where separate shards keep the classes planned for them however slowly those run beside
     * the others (in the CPU-bound suite of #12, one shard ran 7-10 s longer than the other in some runs). Shards of
     * several modules stay apart: they build their modules side by side. So do those of a project whose POMs set how
     * its tests fork ({@link MavenReactor#setsForks()}): its own {@code forkCount} would stand over their workers.
     */
    private static boolean oneMavenBuild(SelfTestOptions options, List<String> tests) {
        if (options.framework() != Framework.MAVEN || !options.paths().isEmpty()) {
            return false;
        }
        MavenReactor reactor = MavenReactor.read(options.workspace());
        return !reactor.setsForks() && reactor.modulesHolding(options.workspace(), tests).size() <= 1;
    }

    private static TestCatalog catalog(SelfTestOptions options) throws IOException {
        if (!options.paths().isEmpty()) {
            return TestCatalog.fromSourceGlobs(options.workspace(), options.paths(), options.filter());
        }
        if (options.framework() == Framework.PYTEST) {
            return TestCatalog.fromSourceGlobs(options.workspace(), options.framework().sourceGlobs(), options.filter());
        }
        TestCatalog catalog = TestCatalog.fromClassDirectories(options.testClassDirs(), options.filter());
        if (catalog.isEmpty() && options.framework() == Framework.CUSTOM) {
            // a custom command may test anything: fall back to test sources
            List<String> globs = new ArrayList<>(List.of("src/test/java/**Test.java", "src/test/java/**Tests.java"));
            globs.addAll(Framework.PYTEST.sourceGlobs());
            TestCatalog sources = TestCatalog.fromSourceGlobs(options.workspace(), globs, options.filter());
            return sources.isEmpty() ? catalog : sources;
        }
        return catalog;
    }
}
