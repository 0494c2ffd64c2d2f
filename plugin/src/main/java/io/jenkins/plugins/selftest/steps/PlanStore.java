package io.jenkins.plugins.selftest.steps;

import hudson.model.Run;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A distributed run's files in the build directory, on the controller: the plan {@code selfTestPlan} made and the
 * settings it made it with, which every {@code selfTest(shard: n)} and {@code selfTestPublish} of the build read, and
 * the directories of the shards run so far, kept until {@code selfTestPublish} merges them (so a shard run on one
 * agent can be published from another). Files are JSON, written atomically.
 */
final class PlanStore {

    static final String PLAN_FILE = "selftest/plan.json";
    static final String SETTINGS_FILE = "selftest/plan-settings.json";
    static final String SHARDS_DIR = "selftest/shards";

    /**
     * What a plan was made with, in {@value #SETTINGS_FILE}: the settings, the plan's run id and when it started.
     * Its JSON form is persisted: keep the names.
     */
    public record PlanSettings(SelfTestSettings settings, String runId, long startedAtMillis) {
    }

    private final Path root;

    PlanStore(Run<?, ?> run) {
        this.root = run.getRootDir().toPath();
    }

    /** Keeps a new plan; the shards kept from an earlier plan of the build go. */
    void save(ShardPlan plan, PlanSettings settings) throws IOException {
        deleteTree(shardsDir());
        Json.writeAtomically(root.resolve(PLAN_FILE), plan);
        Json.writeAtomically(root.resolve(SETTINGS_FILE), settings);
    }

    /** The build's plan; empty when {@code selfTestPlan} has not run in it. */
    Optional<ShardPlan> plan() throws IOException {
        return read(PLAN_FILE).map(ShardPlan::fromJson);
    }

    /** What the build's plan was made with; empty when {@code selfTestPlan} has not run in it. */
    Optional<PlanSettings> settings() throws IOException {
        return read(SETTINGS_FILE).map(s -> Json.read(s, PlanSettings.class));
    }

    /** Where shard {@code index}'s directory is kept. */
    Path shardDir(int index) {
        return shardsDir().resolve("shard-" + index);
    }

    /** Where the shards' directories are kept, one {@code shard-<index>} each. */
    Path shardsDir() {
        return root.resolve(SHARDS_DIR);
    }

    private Optional<String> read(String relative) throws IOException {
        Path p = root.resolve(relative);
        return Files.isRegularFile(p) ? Optional.of(Files.readString(p)) : Optional.empty();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> s = Files.walk(dir)) {
            deepestFirst = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : deepestFirst) {
            Files.deleteIfExists(p);
        }
    }
}
