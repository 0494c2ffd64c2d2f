package io.jenkins.plugins.selftest.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Item;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.fakes.FakeHistoryBuild;
import io.jenkins.plugins.selftest.fakes.FakeHistoryJob;
import io.jenkins.plugins.selftest.fakes.XStreamLike;
import io.jenkins.plugins.selftest.restapi.ExportedJson;
import io.jenkins.plugins.selftest.engine.report.SampleResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.security.access.AccessDeniedException;

class SelfTestBuildActionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private FakeHistoryJob job() {
        return new FakeHistoryJob("app", tmp.resolve("builds"));
    }

    private static SelfTestBuildAction publish(FakeHistoryBuild build, RunDetails details) throws IOException {
        SelfTestBuildAction a = SelfTestBuildAction.create(build, details);
        build.addAction(a);
        return a;
    }

    @Test
    void summaryCarriesCountsRuntimeOrphansAndCoverageChangeAgainstThePreviousResult() throws IOException {
        FakeHistoryJob job = job();
        RunRecord first = SampleResults.record(1);
        publish(job.newBuild(), new RunDetails(first, null, null, null));
        job.newBuild(); // no results: skipped when looking for the previous one
        RunRecord third = SampleResults.record(100);
        SelfTestBuildAction a = publish(job.newBuild(), SampleResults.hostileDetails(third));

        Map<String, Object> summary = a.getSummary();
        assertThat(summary).containsEntry("total", third.total()).containsEntry("passed", third.passed())
                .containsEntry("failed", third.failed()).containsEntry("skipped", third.skipped())
                .containsEntry("runtimeSeconds", third.runtimeSeconds()).containsEntry("orphans", 2)
                .containsEntry("orphansUncovered", 1);
        assertThat((Double) summary.get("lineCoverageChange"))
                .isCloseTo(third.lineCoverage().orElseThrow() - first.lineCoverage().orElseThrow(), within(1e-9))
                .isPositive();
    }

    @Test
    void noCoverageChangeWithoutAPreviousMeasurement() throws IOException {
        FakeHistoryJob job = job();
        publish(job.newBuild(), new RunDetails(SampleResults.record(23), null, null, null)); // no coverage measured
        SelfTestBuildAction a = publish(job.newBuild(), new RunDetails(SampleResults.record(24), null, null, null));
        assertThat(a.getSummary()).containsEntry("lineCoverageChange", null);
        assertThat(publishFirst().getSummary()).containsEntry("lineCoverageChange", null);
    }

    private SelfTestBuildAction publishFirst() throws IOException {
        return publish(new FakeHistoryJob("other", tmp.resolve("other")).newBuild(),
                new RunDetails(SampleResults.record(3), null, null, null));
    }

    @Test
    void exportsShardsFailuresCoverageByPackageAndOrphans() throws IOException {
        SelfTestBuildAction a = publish(job().newBuild(), SampleResults.hostileDetails(SampleResults.record(7)));

        assertThat(a.getShards()).hasSize(2);
        assertThat(a.getShards().get(0)).containsEntry("index", 0).containsEntry("outcome", "failed");
        List<Map<String, Object>> failures = a.getFailures();
        assertThat(failures).extracting(f -> f.get("name")).containsExactly(SampleResults.HOSTILE_NAME, "dividesByZero");
        assertThat(failures.get(0)).containsEntry("message", SampleResults.HOSTILE_MESSAGE).containsEntry("status", "FAILED");
        Map<String, Object> coverage = a.getCoverage();
        assertThat(coverage).containsEntry("measured", true);
        assertThat((List<?>) coverage.get("packages")).hasSize(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> line = (Map<String, Object>) coverage.get("line");
        assertThat((Double) line.get("ratio")).isCloseTo(0.8, within(1e-9));
        assertThat(a.getOrphans()).containsEntry("total", 2);
        assertThat((List<?>) a.getOrphans().get("classes")).hasSize(2);
    }

    @Test
    void detailsAreReadBackFromTheBuildDirectoryAfterAReload() throws IOException {
        FakeHistoryBuild build = job().newBuild();
        RunRecord record = SampleResults.record(7);
        SelfTestBuildAction.create(build, SampleResults.hostileDetails(record));
        assertThat(build.getRootDir().toPath().resolve(SelfTestBuildAction.DETAILS_FILE)).isRegularFile();

        SelfTestBuildAction reloaded = new SelfTestBuildAction(record);
        reloaded.onLoad(build);
        assertThat(reloaded.getFailures()).hasSize(2);
    }

    private static RunDetails withReportFile(RunDetails d, String file) {
        List<TestCaseResult> cases = d.tests().cases().stream().map(c -> new TestCaseResult(c.className(), c.name(),
                c.durationSeconds(), c.status(), c.flaky(), c.message(), c.details(), c.systemOut(), file)).toList();
        return new RunDetails(d.record(), new TestSuiteResult(cases, List.of()), d.coverage(), d.orphans());
    }

    /** Regression (issue #8, 10b): the REST API and the pages showed the agent's path of each report file. */
    @Test
    void reportFilesAreRelativeToTheReportDirectoryInTheApiThePagesAndTheBuildDirectory() throws IOException {
        FakeHistoryBuild build = job().newBuild();
        String agent = "/home/agent/workspace/app@tmp/selftest-r7/shards/shard-1/reports/TEST-com.example.FooTest.xml";
        SelfTestBuildAction a = publish(build, withReportFile(SampleResults.hostileDetails(SampleResults.record(7)), agent));

        String shown = "shards/shard-1/reports/TEST-com.example.FooTest.xml";
        assertThat(a.getFailures()).extracting(f -> f.get("reportFile")).containsOnly(shown);
        assertThat(JSON.readTree(a.getPageJson()).at("/details/tests/cases/0/reportFile").asText()).isEqualTo(shown);
        assertThat(JSON.readTree(a.getSummaryJson()).at("/details/tests/cases/0/reportFile").asText()).isEqualTo(shown);
        assertThat(Files.readString(build.getRootDir().toPath().resolve(SelfTestBuildAction.DETAILS_FILE)))
                .doesNotContain("/home/agent");
    }

    @Test
    void aBuildRecordedWithAgentPathsShowsThemRelativeAfterAReload() throws IOException {
        FakeHistoryBuild build = job().newBuild();
        RunRecord record = SampleResults.record(7);
        String agent = "C:\\agent\\ws\\app@tmp\\selftest-r7\\shards\\shard-0\\reports\\TEST-x.xml";
        RunDetails old = withReportFile(SampleResults.hostileDetails(record), agent);
        old.write(build.getRootDir().toPath().resolve(SelfTestBuildAction.DETAILS_FILE)); // as an earlier version wrote it

        SelfTestBuildAction reloaded = new SelfTestBuildAction(record);
        reloaded.onLoad(build);
        assertThat(reloaded.getFailures()).extracting(f -> f.get("reportFile")).containsOnly("shards/shard-0/reports/TEST-x.xml");
    }

    @Test
    void aMissingDetailsFileLeavesFailuresEmptyAndTheSummaryIntact() throws IOException {
        FakeHistoryBuild build = job().newBuild();
        SelfTestBuildAction a = new SelfTestBuildAction(SampleResults.record(7));
        build.addAction(a);
        assertThat(a.getFailures()).isEmpty();
        assertThat(a.getCoverage()).containsEntry("measured", false);
        assertThat(a.getSummary()).containsEntry("total", SampleResults.record(7).total());
        assertThat(JSON.readTree(a.getPageJson()).at("/details/record/total").asInt()).isEqualTo(SampleResults.record(7).total());
    }

    @Test
    void pageJsonHasFailedTestsWithMessagesLinksAndThePreviousRecord() throws IOException {
        FakeHistoryJob job = job();
        publish(job.newBuild(), new RunDetails(SampleResults.record(1), null, null, null));
        SelfTestBuildAction a = publish(job.newBuild(), SampleResults.hostileDetails(SampleResults.record(7)));

        JsonNode page = JSON.readTree(a.getPageJson());
        assertThat(page.at("/details/tests/cases")).hasSize(2); // the passing test is not sent to the page
        assertThat(page.at("/details/tests/cases/0/message").asText()).isEqualTo(SampleResults.HOSTILE_MESSAGE);
        assertThat(page.at("/details/coverage/packages")).hasSize(2);
        assertThat(page.at("/previous/runId").asText()).isEqualTo("build-1");
        assertThat(page.at("/heading").asText()).contains("app #2");
        assertThat(page.get("links").findValuesAsText("href")).containsExactly(
                "artifact/selftest/jacoco/index.html", "artifact/selftest/orphans.html", "artifact/selftest/orphans.json",
                "artifact/selftest/shards/", "artifact/selftest/");
    }

    @Test
    void summaryJsonIsSmallWhateverTheNumberOfFailures() throws IOException {
        RunRecord record = SampleResults.record(7);
        RunDetails base = SampleResults.hostileDetails(record);
        List<io.jenkins.plugins.selftest.engine.junit.TestCaseResult> many = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(new io.jenkins.plugins.selftest.engine.junit.TestCaseResult("a.BTest", "t" + i, 1,
                    io.jenkins.plugins.selftest.engine.junit.TestStatus.FAILED, false, Optional.of("x".repeat(2000)),
                    Optional.of("trace ".repeat(5000)), Optional.empty(), "TEST-a.BTest.xml"));
        }
        SelfTestBuildAction a = publish(job().newBuild(), new RunDetails(record,
                new io.jenkins.plugins.selftest.engine.junit.TestSuiteResult(many, List.of()), base.coverage(), base.orphans()));

        String json = a.getSummaryJson();
        JsonNode summary = JSON.readTree(json);
        assertThat(summary.at("/details/tests/cases")).hasSize(SelfTestBuildAction.SUMMARY_FAILURES);
        assertThat(summary.at("/details/tests/cases/0/details").isMissingNode() || summary.at("/details/tests/cases/0/details").isNull()).isTrue();
        assertThat(json.length()).isLessThan(10_000);
        assertThat(summary.at("/detailsUrl").asText()).isEqualTo("selfTest/");
    }

    @Test
    void aPytestRunLinksThePythonCoverageReportNotJacocos() throws IOException {
        RunRecord py = RunRecord.builder("py", java.time.Instant.EPOCH).tests(13, 11, 1, 0, 1)
                .coverage(Optional.of(0.78), Optional.empty(), Optional.of(0.75)).build();
        var c = io.jenkins.plugins.selftest.engine.coverage.Counter.EMPTY;
        var coverage = new io.jenkins.plugins.selftest.engine.coverage.CoverageSummary(c,
                new io.jenkins.plugins.selftest.engine.coverage.Counter(65, 18), c, c, c, List.of(),
                java.util.Set.of(), List.of(), "python");

        SelfTestBuildAction a = publish(job().newBuild(), new RunDetails(py, null, coverage, null));

        assertThat(a.getLinks()).extracting(l -> l.get("href"))
                .contains("artifact/selftest/python-coverage/index.html")
                .doesNotContain("artifact/selftest/jacoco/index.html");
    }

    @Test
    void linksLeaveOutReportsTheRunDidNotProduce() throws IOException {
        RunRecord bare = RunRecord.builder("bare", java.time.Instant.EPOCH).tests(1, 1, 0, 0, 0).build();
        SelfTestBuildAction a = publish(job().newBuild(), new RunDetails(bare, null, null, null));
        assertThat(a.getLinks()).extracting(l -> l.get("href")).containsExactly("artifact/selftest/");
    }

    @Test
    void readingNeedsItemReadOnTheJob() throws IOException {
        FakeHistoryJob job = job();
        SelfTestBuildAction a = publish(job.newBuild(), new RunDetails(SampleResults.record(1), null, null, null));
        assertThat(a.getTarget()).isSameAs(a);
        assertThat(job.checked).containsExactly(Item.READ);

        job.denyAll = true;
        assertThatThrownBy(a::getTarget).isInstanceOf(AccessDeniedException.class);
    }

    /** What {@code .../selfTest/api/json} shows: each section, as plain values Stapler can write. */
    @Test
    @SuppressWarnings("unchecked")
    void theRestApiExportsEachSectionAsPlainValues() throws Exception {
        FakeHistoryJob job = job();
        RunRecord first = SampleResults.record(1);
        publish(job.newBuild(), new RunDetails(first, null, null, null));
        RunRecord record = SampleResults.record(7);
        SelfTestBuildAction a = publish(job.newBuild(), SampleResults.hostileDetails(record));

        Map<String, Object> api = ExportedJson.of(a);

        assertThat(api).containsOnlyKeys("summary", "shards", "failures", "coverage", "orphans");
        Map<String, Object> summary = (Map<String, Object>) api.get("summary");
        assertThat(summary).containsEntry("runId", "build-7").containsEntry("total", record.total())
                .containsEntry("failed", record.failed()).containsEntry("orphansUncovered", 1)
                .containsEntry("startedAt", record.startedAt().toString())
                .containsEntry("lineCoverage", record.lineCoverage().orElseThrow());
        assertThat((Double) summary.get("lineCoverageChange")).isCloseTo(
                record.lineCoverage().orElseThrow() - first.lineCoverage().orElseThrow(), within(1e-9));
        assertThat((List<Map<String, Object>>) api.get("shards")).extracting(s -> s.get("outcome"))
                .containsExactly("failed", "ok");
        assertThat((List<Map<String, Object>>) api.get("failures")).extracting(f -> f.get("name"), f -> f.get("status"))
                .containsExactly(tuple(SampleResults.HOSTILE_NAME, "FAILED"), tuple("dividesByZero", "ERROR"));
        Map<String, Object> coverage = (Map<String, Object>) api.get("coverage");
        assertThat((Map<String, Object>) coverage.get("branch")).containsEntry("covered", 30L).containsEntry("missed", 20L)
                .containsEntry("ratio", 0.6);
        assertThat((List<Map<String, Object>>) coverage.get("packages")).extracting(p -> p.get("name"))
                .containsExactly("com.example", "com.example.<b>evil</b>");
        Map<String, Object> orphans = (Map<String, Object>) api.get("orphans");
        assertThat(orphans).containsEntry("total", 2).containsEntry("covered", 1);
        assertThat((List<Map<String, Object>>) orphans.get("classes")).extracting(o -> o.get("className"))
                .containsExactly("com.example.Legacy", "com.example.<i>Helper</i>");
        assertThat(a.getApi()).isInstanceOf(hudson.model.Api.class);
    }

    @Test
    void previousResultIsLookedForAmongABoundedNumberOfBuilds() throws IOException {
        FakeHistoryJob job = job();
        publish(job.newBuild(), new RunDetails(SampleResults.record(1), null, null, null));
        for (int i = 0; i < BuildHistory.PREVIOUS_LOOK_BACK; i++) {
            job.newBuild();
        }
        SelfTestBuildAction a = publish(job.newBuild(), new RunDetails(SampleResults.record(2), null, null, null));
        assertThat(a.previous()).isEmpty();
        assertThat(job.builds.get(0).actionLookups.get()).isZero();

        // one build fewer in between: the result is within reach
        FakeHistoryJob near = new FakeHistoryJob("near", tmp.resolve("near"));
        publish(near.newBuild(), new RunDetails(SampleResults.record(1), null, null, null));
        for (int i = 0; i < BuildHistory.PREVIOUS_LOOK_BACK - 1; i++) {
            near.newBuild();
        }
        SelfTestBuildAction b = publish(near.newBuild(), new RunDetails(SampleResults.record(2), null, null, null));
        assertThat(b.previous()).hasValueSatisfying(p -> assertThat(p.getRecord()).isEqualTo(SampleResults.record(1)));
    }

    // --- a second selfTest in one build (issue #8, 10a: it replaced the first one's results) ---

    @Test
    void eachSelfTestOfABuildKeepsItsOwnResultPageArtifactsAndDetails() throws IOException {
        FakeHistoryBuild build = job().newBuild();
        RunRecord unit = SampleResults.record(7);
        RunRecord integration = SampleResults.record(14);
        SelfTestBuildAction first = SelfTestBuildAction.attach(build, SampleResults.hostileDetails(unit));
        SelfTestBuildAction second = SelfTestBuildAction.attach(build, new RunDetails(integration, null, null, null));

        assertThat(build.getActions(SelfTestBuildAction.class)).containsExactly(first, second);
        assertThat(List.of(first.getUrlName(), second.getUrlName())).containsExactly("selfTest", "selfTest-2");
        assertThat(List.of(first.getDisplayName(), second.getDisplayName()))
                .containsExactly("Self-test results", "Self-test results (2)");
        assertThat(List.of(first.getArtifactDir(), second.getArtifactDir())).containsExactly("selftest", "selftest-2");
        assertThat(first.getRecord()).isEqualTo(unit);
        assertThat(second.getRecord()).isEqualTo(integration);
        assertThat(build.getRootDir().toPath().resolve("selftest/details.json")).isRegularFile();
        assertThat(build.getRootDir().toPath().resolve("selftest-2/details.json")).isRegularFile();
        assertThat(first.getFailures()).hasSize(2);
        assertThat(second.getFailures()).isEmpty();
        assertThat(second.getLinks()).extracting(l -> l.get("href")).allMatch(h -> h.startsWith("artifact/selftest-2/"));
        assertThat(JSON.readTree(second.getSummaryJson()).at("/heading").asText()).isEqualTo("Self-test results (2)");
        assertThat(JSON.readTree(second.getSummaryJson()).at("/detailsUrl").asText()).isEqualTo("selfTest-2/");

        assertThat(first.repeatNote()).isEmpty();
        assertThat(second.repeatNote()).hasValueSatisfying(n -> assertThat(n)
                .contains("selfTest call 2", "kept beside the earlier ones", ".../selfTest-2/", "selftest-2/"));
        assertThat(second.getProjectActions()).singleElement()
                .satisfies(a -> assertThat(a.getUrlName()).isEqualTo("selfTest-2"));
    }

    @Test
    void aReloadedSecondResultReadsItsOwnDetailsAndComparesWithTheSecondResultOfTheBuildBefore() throws IOException {
        FakeHistoryJob job = job();
        FakeHistoryBuild one = job.newBuild();
        SelfTestBuildAction.attach(one, new RunDetails(SampleResults.record(1), null, null, null));
        SelfTestBuildAction.attach(one, new RunDetails(SampleResults.record(2), null, null, null));
        FakeHistoryBuild two = job.newBuild();
        SelfTestBuildAction.attach(two, new RunDetails(SampleResults.record(3), null, null, null));
        SelfTestBuildAction second = SelfTestBuildAction.attach(two, SampleResults.hostileDetails(SampleResults.record(4)));

        assertThat(second.previous()).hasValueSatisfying(p -> assertThat(p.getRecord()).isEqualTo(SampleResults.record(2)));
        SelfTestBuildAction reloaded = new SelfTestBuildAction(SampleResults.record(4), 2);
        reloaded.onLoad(two);
        assertThat(reloaded.getFailures()).hasSize(2);
    }

    @Test
    void aResultFromABuildXmlWithoutAnIndexIsTheFirst() {
        SelfTestBuildAction a = XStreamLike.withoutFields(SelfTestBuildAction.class); // build.xml before 0.1.0: no index
        assertThat(a.getIndex()).isEqualTo(1);
        assertThat(a.getUrlName()).isEqualTo("selfTest");
        assertThat(a.getArtifactDir()).isEqualTo("selftest");
    }

    // --- icons (issue #8, item 10f: the check mark was shown when tests had failed) ---

    private static RunRecord outcome(int failed, int errors, boolean complete, String shardOutcome, int timeouts) {
        int total = failed + errors + 10;
        return RunRecord.builder("r", Instant.parse("2026-01-01T00:00:00Z"))
                .complete(complete)
                .tests(total, total - failed - errors, failed, errors, 0)
                .shards(List.of(new ShardRecord(0, total, total - failed - errors,
                        failed + errors, 0, 1, shardOutcome)))
                .containers(0, timeouts)
                .build();
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0, true,  ok,      0, PASSED,   symbol-status-blue",
            "2, 0, true,  failed,  0, FAILED,   symbol-status-red",
            "0, 1, true,  failed,  0, FAILED,   symbol-status-red",
            "1, 0, false, timeout, 1, FAILED,   symbol-status-red",
            "0, 0, false, timeout, 1, UNSTABLE, symbol-status-yellow",
            "0, 0, false, error,   0, UNSTABLE, symbol-status-yellow",
            "0, 0, false, ok,      0, UNSTABLE, symbol-status-yellow"})
    void iconFollowsTheOutcome(int failed, int errors, boolean complete, String shard, int timeouts,
                               SelfTestBuildAction.Outcome expected, String symbol) {
        SelfTestBuildAction a = new SelfTestBuildAction(outcome(failed, errors, complete, shard, timeouts));
        assertThat(a.getOutcome()).isEqualTo(expected);
        assertThat(a.getIconFileName()).isEqualTo(symbol);
    }

    @Test
    void aRunStoppedBeforeAnyTestRanShowsTheAbortedIcon() {
        RunRecord r = RunRecord.builder("r", Instant.parse("2026-01-01T00:00:00Z")).complete(false).build();
        SelfTestBuildAction a = new SelfTestBuildAction(r);
        assertThat(a.getOutcome()).isEqualTo(SelfTestBuildAction.Outcome.ABORTED);
        assertThat(a.getIconFileName()).isEqualTo("symbol-status-aborted");
        assertThat(a.getOutcome()).hasToString("aborted");
    }
}
