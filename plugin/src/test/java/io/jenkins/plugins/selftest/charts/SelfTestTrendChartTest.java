package io.jenkins.plugins.selftest.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.selftest.actions.SelfTestBuildAction;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.fakes.FakeHistoryBuild;
import io.jenkins.plugins.selftest.fakes.FakeHistoryJob;
import io.jenkins.plugins.selftest.fakes.SampleResults;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelfTestTrendChartTest {

    @TempDir
    Path tmp;

    /** {@code builds} builds; those whose number {@code withResults} accepts carry a record, as after a reload. */
    private FakeHistoryJob history(int builds, java.util.function.IntPredicate withResults) {
        FakeHistoryJob job = new FakeHistoryJob("app", tmp);
        for (int i = 1; i <= builds; i++) {
            FakeHistoryBuild b = job.newBuild();
            if (withResults.test(i)) {
                b.addAction(new SelfTestBuildAction(SampleResults.record(i)));
            }
        }
        return job;
    }

    @Test
    void pointsAreOldestFirstLabelledAndLinkedToTheirBuilds() {
        FakeHistoryJob job = history(5, i -> i != 3);
        var points = new SelfTestTrendChart(job).points(50);
        assertThat(points).extracting(SelfTestTrendChart.Point::label).containsExactly("#1", "#2", "#4", "#5");
        assertThat(points).extracting(SelfTestTrendChart.Point::url)
                .containsExactly("job/app/1/", "job/app/2/", "job/app/4/", "job/app/5/");
        assertThat(points).extracting(p -> p.record().runId()).containsExactly("build-1", "build-2", "build-4", "build-5");
    }

    @Test
    void showsTheLastBuildsUpToTheLimit() {
        FakeHistoryJob job = history(260, i -> true);
        assertThat(new SelfTestTrendChart(job).points(SelfTestTrendChart.DEFAULT_BUILDS)).hasSize(50)
                .first().extracting(SelfTestTrendChart.Point::label).isEqualTo("#211");
        assertThat(new SelfTestTrendChart(job).points(1000)).hasSize(SelfTestTrendChart.MAX_BUILDS)
                .last().extracting(SelfTestTrendChart.Point::label).isEqualTo("#260");
    }

    @Test
    void readsOnlyTheRecordsNeverTheDetailsFiles() {
        FakeHistoryJob job = history(60, i -> true);
        new SelfTestTrendChart(job).json(50);
        assertThat(job.builds).allSatisfy(b -> assertThat(b.rootDirCalls.get()).as("build directory reads").isZero());
    }

    @Test
    void looksBackAtMostTwiceTheLimitPastBuildsWithoutResults() {
        FakeHistoryJob job = history(300, i -> i <= 5);
        assertThat(new SelfTestTrendChart(job).points(10)).isEmpty();
        long looked = job.builds.stream().filter(b -> b.actionLookups.get() > 0).count();
        assertThat(looked).isEqualTo(10L * SelfTestTrendChart.LOOK_BACK_FACTOR);
    }

    @Test
    void dataIsTheEngineTrendSeriesWithOneLabelAndUrlPerBuild() throws Exception {
        FakeHistoryJob job = history(200, i -> true);
        JsonNode data = new ObjectMapper().readTree(new SelfTestTrendChart(job).json(200));
        assertThat(data.at("/trend/runIds")).hasSize(200);
        assertThat(data.at("/labels")).hasSize(200);
        assertThat(data.at("/urls")).hasSize(200);
        assertThat(data.at("/urls/199").asText()).isEqualTo("job/app/200/");
        RunRecord last = SampleResults.record(200);
        assertThat(data.at("/trend/passed/199").asInt()).isEqualTo(last.passed());
        assertThat(data.at("/trend/lineCoverage/199").asDouble()).isEqualTo(Math.round(last.lineCoverage().orElseThrow() * 10000) / 100.0);
    }

    @Test
    void anEmptyJobHasNoPoints() {
        assertThat(new SelfTestTrendChart(new FakeHistoryJob("empty", tmp)).points(50)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(value = {"null,50", "'',50", "abc,50", "0,1", "-5,1", "7,7", "200,200", "201,200", "99999999999,50"},
            nullValues = "null")
    void buildsParameterIsClamped(String parameter, int expected) {
        assertThat(SelfTestTrendChart.builds(parameter)).isEqualTo(expected);
    }

    @Test
    void labelsComeFromTheBuildsNotTheRecords() {
        FakeHistoryJob job = history(3, i -> true);
        assertThat(new SelfTestTrendChart(job).data(3).get("labels")).isEqualTo(IntStream.rangeClosed(1, 3).mapToObj(i -> "#" + i).toList());
    }
}
