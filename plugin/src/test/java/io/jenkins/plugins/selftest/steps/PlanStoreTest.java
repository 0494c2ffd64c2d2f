package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import io.jenkins.plugins.selftest.engine.json.DataBinding;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.fakes.FakeHistoryBuild;
import io.jenkins.plugins.selftest.fakes.FakeHistoryJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A distributed run's files in the build directory: where they are, what they hold, what a new plan drops. */
class PlanStoreTest {

    @TempDir
    Path tmp;

    private final ShardPlan plan = new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest"), 1, 3, 0),
            new ShardPlan.Shard(1, List.of("a.BTest"), 1, 2, 1)), 2, List.of());
    private final SelfTestSettings settings = new SelfTestSettings("maven", Optional.empty(), 2, 2, List.of("*Test"),
            List.of(), "none", Optional.empty(), Optional.empty(), 1800, true, List.of(), List.of(), List.of(), true, false,
            List.of(), List.of(), Optional.empty());

    private FakeHistoryBuild build() {
        return new FakeHistoryJob("app", tmp).newBuild();
    }

    @Test
    void aBuildWithoutAPlanHasNone() throws Exception {
        PlanStore store = new PlanStore(build());

        assertThat(store.plan()).isEmpty();
        assertThat(store.settings()).isEmpty();
    }

    @Test
    void thePlanAndItsSettingsReadBackAsSavedInTheFilesEarlierVersionsWrote() throws Exception {
        FakeHistoryBuild build = build();
        new PlanStore(build).save(plan, new PlanStore.PlanSettings(settings, "jenkins-1-abc", 1_000L));

        PlanStore again = new PlanStore(build);
        assertThat(again.plan()).contains(plan);
        assertThat(again.settings()).contains(new PlanStore.PlanSettings(settings, "jenkins-1-abc", 1_000L));
        Path root = build.getRootDir().toPath();
        assertThat(ShardPlan.fromJson(Files.readString(root.resolve("selftest/plan.json")))).isEqualTo(plan);
        JsonNode kept = DataBinding.mapper().readTree(root.resolve("selftest/plan-settings.json").toFile());
        assertThat(kept.get("runId").asText()).isEqualTo("jenkins-1-abc");
        assertThat(kept.get("startedAtMillis").asLong()).isEqualTo(1_000L);
        assertThat(kept.get("settings").get("shards").asInt()).isEqualTo(2);
    }

    @Test
    void shardsAreKeptBesideThePlanAndANewPlanDropsThem() throws Exception {
        FakeHistoryBuild build = build();
        PlanStore store = new PlanStore(build);
        Path root = build.getRootDir().toPath();
        assertThat(store.shardsDir()).isEqualTo(root.resolve("selftest/shards"));
        assertThat(store.shardDir(1)).isEqualTo(root.resolve("selftest/shards/shard-1"));
        Files.createDirectories(store.shardDir(1).resolve("reports"));
        Files.writeString(store.shardDir(1).resolve("shard.json"), "{}");

        store.save(plan, new PlanStore.PlanSettings(settings, "jenkins-1-new", 2_000L));

        assertThat(store.shardsDir()).doesNotExist();
        assertThat(store.plan()).contains(plan);
    }
}
