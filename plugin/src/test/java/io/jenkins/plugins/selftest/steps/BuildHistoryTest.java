package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.actions.SelfTestBuildAction;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.fakes.FakeHistoryBuild;
import io.jenkins.plugins.selftest.fakes.FakeHistoryJob;
import io.jenkins.plugins.selftest.fakes.SampleResults;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The earlier builds the selfTest steps read: timings for the planner, and the result to compare with. */
class BuildHistoryTest {

    @TempDir
    Path tmp;

    /** {@code builds} builds, those {@code withResults} accepts with a record; then the build that runs now. */
    private FakeHistoryBuild current(int builds, IntPredicate withResults) {
        FakeHistoryJob job = new FakeHistoryJob("app", tmp);
        for (int i = 1; i <= builds; i++) {
            FakeHistoryBuild b = job.newBuild();
            if (withResults.test(i)) {
                b.addAction(new SelfTestBuildAction(SampleResults.record(i)));
            }
        }
        return job.newBuild();
    }

    @Test
    void timingsComeFromTheLastTenBuildsWithResultsOldestFirst() {
        FakeHistoryBuild now = current(30, i -> i % 2 == 0);

        assertThat(BuildHistory.timings(now)).extracting(RunRecord::runId).containsExactly("build-12", "build-14",
                "build-16", "build-18", "build-20", "build-22", "build-24", "build-26", "build-28", "build-30");
    }

    @Test
    void previousIsTheLatestEarlierBuildWithResults() {
        FakeHistoryBuild now = current(5, i -> i <= 3);

        assertThat(BuildHistory.previous(now)).map(RunRecord::runId).contains("build-3");
    }

    @Test
    void theWalkLooksFiftyBuildsBack() {
        // build 1 has results; the build now is 51 builds later (not found) or 50 (found)
        assertThat(BuildHistory.timings(current(51, i -> i == 1))).isEmpty();
        assertThat(BuildHistory.previous(current(51, i -> i == 1))).isEmpty();
        assertThat(BuildHistory.timings(current(50, i -> i == 1))).extracting(RunRecord::runId).containsExactly("build-1");
        assertThat(BuildHistory.previous(current(50, i -> i == 1))).map(RunRecord::runId).contains("build-1");
    }

    @Test
    void theFirstBuildHasNoHistory() {
        FakeHistoryBuild now = current(0, i -> true);

        assertThat(BuildHistory.timings(now)).isEmpty();
        assertThat(BuildHistory.previous(now)).isEmpty();
    }
}
