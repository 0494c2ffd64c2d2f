package io.jenkins.plugins.selftest.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Item;
import io.jenkins.plugins.selftest.charts.SelfTestTrendChart;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.fakes.FakeHistoryJob;
import io.jenkins.plugins.selftest.engine.report.SampleResults;
import io.jenkins.plugins.selftest.restapi.PrometheusResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.StaplerResponse;
import org.springframework.security.access.AccessDeniedException;

class SelfTestJobActionTest {

    @TempDir
    Path tmp;

    private FakeHistoryJob history(int builds) {
        FakeHistoryJob job = new FakeHistoryJob("app", tmp);
        for (int i = 1; i <= builds; i++) {
            job.newBuild().addAction(new SelfTestBuildAction(SampleResults.record(i)));
        }
        job.newBuild(); // the last build has no results (yet): the metrics describe the last one that has
        return job;
    }

    @Test
    void prometheusTextHasTheEngineGaugesOfTheLastBuildWithResults() throws Exception {
        FakeHistoryJob job = history(7);
        RunRecord last = SampleResults.record(7);

        PrometheusResponse response = (PrometheusResponse) new SelfTestJobAction(job).doPrometheus();
        String text = response.text();
        assertThat(text).contains("# TYPE self_test_last_passed gauge")
                .contains("self_test_last_passed " + (double) last.passed())
                .contains("self_test_last_failed " + (double) (last.failed() + last.errors()))
                .contains("self_test_orphan_count 2.0")
                .contains("self_test_runs_total 7.0");
        assertThat(job.checked).containsExactly(Item.READ);

        Map<String, String> headers = new HashMap<>();
        StringWriter body = new StringWriter();
        StaplerResponse rsp = (StaplerResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StaplerResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "setContentType" -> { headers.put("Content-Type", (String) args[0]); yield null; }
                    case "setHeader" -> { headers.put((String) args[0], (String) args[1]); yield null; }
                    case "getWriter" -> new PrintWriter(body);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        response.generateResponse(null, rsp, null);
        assertThat(headers).containsEntry("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        assertThat(body.toString()).isEqualTo(text);
    }

    @Test
    void prometheusAndPagesNeedItemRead() {
        FakeHistoryJob job = history(2);
        job.denyAll = true;
        SelfTestJobAction action = new SelfTestJobAction(job);
        assertThatThrownBy(action::doPrometheus).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(action::getTarget).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void exposesNothingThatChangesState() {
        for (var m : SelfTestJobAction.class.getMethods()) {
            if (m.getName().startsWith("do")) {
                assertThat(m.getName()).isEqualTo("doPrometheus");
            }
        }
    }

    @Test
    void trendJsonShowsFiftyBuildsUnlessAskedForMore() throws Exception {
        FakeHistoryJob job = history(230);
        SelfTestJobAction action = new SelfTestJobAction(job);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(action.getTrendJson()).at("/labels")).hasSize(50);
        assertThat(json.readTree(action.getTrendJson("120")).at("/labels")).hasSize(120);
        assertThat(json.readTree(action.getTrendJson("5000")).at("/labels")).hasSize(200);
        assertThat(action.getBuilds(null)).isEqualTo(50);
    }

    @Test
    void buildActionOffersTheJobActionOfItsJob() {
        FakeHistoryJob job = history(1);
        SelfTestBuildAction a = job.builds.get(0).getAction(SelfTestBuildAction.class);
        assertThat(a.getProjectActions()).singleElement().isInstanceOfSatisfying(SelfTestJobAction.class,
                j -> assertThat(j.getJob()).isSameAs(job));
    }

    // --- the trend: points from the one build-history walk ---

    /** {@code builds} builds; those whose number {@code withResults} accepts carry a record, as after a reload. */
    private FakeHistoryJob history(int builds, IntPredicate withResults) {
        return new FakeHistoryJob("app", tmp).withBuilds(builds,
                i -> withResults.test(i) ? List.of(new SelfTestBuildAction(SampleResults.record(i))) : List.of());
    }

    @Test
    void pointsAreOldestFirstLabelledAndLinkedToTheirBuilds() {
        FakeHistoryJob job = history(5, i -> i != 3);
        var points = new SelfTestJobAction(job).chart(50).points();
        assertThat(points).extracting(SelfTestTrendChart.Point::label).containsExactly("#1", "#2", "#4", "#5");
        assertThat(points).extracting(SelfTestTrendChart.Point::url)
                .containsExactly("job/app/1/", "job/app/2/", "job/app/4/", "job/app/5/");
        assertThat(points).extracting(p -> p.record().runId()).containsExactly("build-1", "build-2", "build-4", "build-5");
    }

    @Test
    void showsTheLastBuildsUpToTheLimit() {
        FakeHistoryJob job = history(260, i -> true);
        assertThat(new SelfTestJobAction(job).chart(SelfTestTrendChart.DEFAULT_BUILDS).points()).hasSize(50)
                .first().extracting(SelfTestTrendChart.Point::label).isEqualTo("#211");
        assertThat(new SelfTestJobAction(job).chart(1000).points()).hasSize(SelfTestTrendChart.MAX_BUILDS)
                .last().extracting(SelfTestTrendChart.Point::label).isEqualTo("#260");
    }

    @Test
    void readsOnlyTheRecordsNeverTheDetailsFiles() {
        FakeHistoryJob job = history(60, i -> true);
        new SelfTestJobAction(job).chart(50).json();
        assertThat(job.builds).allSatisfy(b -> assertThat(b.rootDirCalls.get()).as("build directory reads").isZero());
    }

    @Test
    void looksBackAtMostTwiceTheLimitPastBuildsWithoutResults() {
        FakeHistoryJob job = history(300, i -> i <= 5);
        assertThat(new SelfTestJobAction(job).chart(10).points()).isEmpty();
        long looked = job.builds.stream().filter(b -> b.actionLookups.get() > 0).count();
        assertThat(looked).isEqualTo(10L * BuildHistory.TREND_LOOK_BACK_FACTOR);
    }

    @Test
    void dataIsTheEngineTrendSeriesWithOneLabelAndUrlPerBuild() throws Exception {
        FakeHistoryJob job = history(200, i -> true);
        JsonNode data = new ObjectMapper().readTree(new SelfTestJobAction(job).chart(200).json());
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
        assertThat(new SelfTestJobAction(new FakeHistoryJob("empty", tmp)).chart(50).points()).isEmpty();
    }

    @Test
    void labelsComeFromTheBuildsNotTheRecords() {
        FakeHistoryJob job = history(3, i -> true);
        assertThat(new SelfTestJobAction(job).chart(3).data().get("labels"))
                .isEqualTo(IntStream.rangeClosed(1, 3).mapToObj(i -> "#" + i).toList());
    }

    /** Issue #8, 10a: each selfTest call of the builds has its own trend on the job page. */
    @Test
    void eachSelfTestCallOfTheBuildsHasItsOwnTrend() throws Exception {
        FakeHistoryJob job = new FakeHistoryJob("app", tmp);
        for (int i = 1; i <= 3; i++) {
            var build = job.newBuild();
            build.addAction(new SelfTestBuildAction(SampleResults.record(i)));
            build.addAction(new SelfTestBuildAction(SampleResults.record(100 + i), 2));
        }
        SelfTestJobAction first = new SelfTestJobAction(job);
        SelfTestJobAction second = new SelfTestJobAction(job, 2);
        assertThat(List.of(first.getUrlName(), second.getUrlName())).containsExactly("selfTest", "selfTest-2");
        assertThat(second.getDisplayName()).isEqualTo("Self-test trends (2)");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(first.getTrendJson()).at("/trend/runIds").toString())
                .isEqualTo("[\"build-1\",\"build-2\",\"build-3\"]");
        assertThat(json.readTree(second.getTrendJson()).at("/trend/runIds").toString())
                .isEqualTo("[\"build-101\",\"build-102\",\"build-103\"]");
    }
}
