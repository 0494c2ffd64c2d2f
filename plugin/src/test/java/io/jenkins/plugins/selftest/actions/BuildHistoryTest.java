package io.jenkins.plugins.selftest.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.report.SampleResults;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.fakes.FakeHistoryBuild;
import io.jenkins.plugins.selftest.fakes.FakeHistoryJob;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildHistoryTest {

    @TempDir
    Path tmp;

    /** Builds 1..{@code builds}; those {@code withResults} accepts have a first result (record i) and a second (100+i). */
    private FakeHistoryJob job(int builds, IntPredicate withResults) {
        return new FakeHistoryJob("app", tmp).withBuilds(builds, i -> withResults.test(i)
                ? List.of(new SelfTestBuildAction(SampleResults.record(i)), new SelfTestBuildAction(SampleResults.record(100 + i), 2))
                : List.of());
    }

    @Test
    void givesTheResultsOfOneCallNewestFirstSkippingBuildsWithout() {
        FakeHistoryJob job = job(6, i -> i % 2 == 0);
        assertThat(BuildHistory.of(job, "selfTest", 10)).extracting(a -> a.getRecord().runId())
                .containsExactly("build-6", "build-4", "build-2");
        assertThat(BuildHistory.of(job, "selfTest-2", 10)).extracting(a -> a.getRecord().runId())
                .containsExactly("build-106", "build-104", "build-102");
    }

    @Test
    void beforeABuildStartsAtTheOneBeforeIt() {
        FakeHistoryJob job = job(4, i -> true);
        assertThat(BuildHistory.before(job.builds.get(2), "selfTest", 10)).extracting(a -> a.getRecord().runId())
                .containsExactly("build-2", "build-1");
        assertThat(BuildHistory.before(job.builds.get(0), "selfTest", 10)).isEmpty();
    }

    @Test
    void looksAtNoMoreBuildsThanItMay() {
        FakeHistoryJob job = job(20, i -> i <= 2);
        assertThat(BuildHistory.of(job, "selfTest", 5)).isEmpty();
        assertThat(job.builds).filteredOn(b -> b.actionLookups.get() > 0).extracting(FakeHistoryBuild::getNumber)
                .containsExactly(16, 17, 18, 19, 20);
        assertThat(BuildHistory.of(job, "selfTest", 0)).isEmpty();
    }

    @Test
    void stopsAtTheFirstResultWhenThatIsAllItIsAskedFor() {
        FakeHistoryJob job = job(10, i -> i == 5 || i == 2);
        assertThat(BuildHistory.before(job.builds.get(9), "selfTest", BuildHistory.PREVIOUS_LOOK_BACK).findFirst())
                .hasValueSatisfying(a -> assertThat(a.getRecord().runId()).isEqualTo("build-5"));
        assertThat(job.builds.subList(0, 4)).allSatisfy(b -> assertThat(b.actionLookups.get()).isZero());
    }

    @Test
    void anEmptyJobHasNoResults() {
        assertThat(BuildHistory.of(new FakeHistoryJob("empty", tmp), "selfTest", 50)).isEmpty();
    }

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

        assertThat(BuildHistory.previousRecord(now)).map(RunRecord::runId).contains("build-3");
    }

    @Test
    void theWalkLooksFiftyBuildsBack() {
        // build 1 has results; the build now is 51 builds later (not found) or 50 (found)
        assertThat(BuildHistory.timings(current(51, i -> i == 1))).isEmpty();
        assertThat(BuildHistory.previousRecord(current(51, i -> i == 1))).isEmpty();
        assertThat(BuildHistory.timings(current(50, i -> i == 1))).extracting(RunRecord::runId).containsExactly("build-1");
        assertThat(BuildHistory.previousRecord(current(50, i -> i == 1))).map(RunRecord::runId).contains("build-1");
    }

    @Test
    void theFirstBuildHasNoHistory() {
        FakeHistoryBuild now = current(0, i -> true);

        assertThat(BuildHistory.timings(now)).isEmpty();
        assertThat(BuildHistory.previousRecord(now)).isEmpty();
    }
}
