package io.jenkins.plugins.selftest.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.selftest.charts.SelfTestTrendChart.Point;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.report.SampleResults;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chart over given points; walking the builds for them is the job action's (SelfTestJobActionTest). */
class SelfTestTrendChartTest {

    private static List<Point> points(int from, int to) {
        return IntStream.rangeClosed(from, to)
                .mapToObj(i -> new Point("#" + i, "job/app/" + i + "/", SampleResults.record(i))).toList();
    }

    @ParameterizedTest
    @CsvSource(value = {"null,50", "'',50", "abc,50", "0,1", "-5,1", "7,7", "200,200", "201,200", "99999999999,50"},
            nullValues = "null")
    void buildsParameterIsClamped(String parameter, int expected) {
        assertThat(SelfTestTrendChart.builds(parameter)).isEqualTo(expected);
    }

    @Test
    void dataHasTheEngineTrendSeriesAndOneLabelAndUrlPerPointInTheirOrder() throws Exception {
        JsonNode data = new ObjectMapper().readTree(new SelfTestTrendChart(points(1, 3)).json());
        assertThat(data.at("/trend/runIds").toString()).isEqualTo("[\"build-1\",\"build-2\",\"build-3\"]");
        assertThat(data.at("/labels").toString()).isEqualTo("[\"#1\",\"#2\",\"#3\"]");
        assertThat(data.at("/urls").toString()).isEqualTo("[\"job/app/1/\",\"job/app/2/\",\"job/app/3/\"]");
        RunRecord third = SampleResults.record(3);
        assertThat(data.at("/trend/passed/2").asInt()).isEqualTo(third.passed());
    }

    @Test
    void showsOnlyTheNewestMaxBuildsOfMorePoints() {
        SelfTestTrendChart chart = new SelfTestTrendChart(points(1, 250));
        assertThat(chart.points()).hasSize(SelfTestTrendChart.MAX_BUILDS)
                .first().extracting(Point::label).isEqualTo("#51");
        assertThat(chart.records()).last().extracting(RunRecord::runId).isEqualTo("build-250");
    }

    @Test
    void noPointsNoSeries() throws Exception {
        JsonNode data = new ObjectMapper().readTree(new SelfTestTrendChart(List.of()).json());
        assertThat(data.at("/trend/runIds")).isEmpty();
        assertThat(data.at("/labels")).isEmpty();
    }
}
