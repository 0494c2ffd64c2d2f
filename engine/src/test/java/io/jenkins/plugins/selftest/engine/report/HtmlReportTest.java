package io.jenkins.plugins.selftest.engine.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.orphans.OrphanScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    @TempDir
    Path tmp;

    @Test
    void pageIsSelfContainedAndNoBuildTextCanOpenATag() throws IOException {
        List<RunRecord> history = SampleResults.history(30);
        RunDetails last = SampleResults.withFlakyTest(SampleResults.hostileDetails(history.get(history.size() - 1)));

        Path page = HtmlReport.write(history, Optional.of(last), tmp.resolve("report"));

        String full = Files.readString(page);
        assertThat(page.getFileName().toString()).isEqualTo("index.html");
        String echarts = HtmlReport.Echarts.script();
        assertThat(full.contains(echarts)).as("ECharts inlined").isTrue();
        String html = full.replace(echarts, "");
        for (String bad : List.of(SampleResults.HOSTILE_NAME, "<img", "<b>evil", "<i>Helper", "</script><script>document")) {
            assertThat(html.contains(bad)).as("page contains %s", bad).isFalse();
        }
        assertThat(java.util.regex.Pattern.compile("(src|href)=\"https?:").matcher(full).find()).as("network reference").isFalse();
        assertThat(html.contains("\\u003cimg src=x onerror=alert(1)\\u003e")).isTrue();
        assertThat(html.split("<script", -1)).as("data + echarts + ui + bootstrap").hasSize(5);
    }

    @Test
    void embeddedDataIsTrimmedToFailuresAndFlakes() {
        List<RunRecord> history = SampleResults.history(1);
        RunDetails page = HtmlReport.forPage(SampleResults.withFlakyTest(SampleResults.hostileDetails(history.get(0))));

        assertThat(page.tests().cases()).extracting(TestCaseResult::name)
                .containsExactly(SampleResults.HOSTILE_NAME, "dividesByZero", "flakes");
        assertThat(page.coverage().coveredClasses()).isEmpty();
        assertThat(page.coverage().packages()).hasSize(2);
    }

    @Test
    void aPageMarksTestDetailsThatWereTruncated() {
        RunRecord record = SampleResults.history(1).get(0);
        List<TestCaseResult> failed = java.util.stream.IntStream.range(0, TestSuiteResult.MAX_DETAILED_CASES + 1500)
                .mapToObj(i -> new TestCaseResult("a.ATest", "t" + i, 0, TestStatus.FAILED, false, Optional.of("no"),
                        Optional.empty(), Optional.empty(), "TEST-a.xml"))
                .toList();

        RunDetails page = HtmlReport.forPage(new RunDetails(record, new TestSuiteResult(failed, List.of()), null, null));

        assertThat(page.tests().detailsDropped()).isEqualTo(1500);
        assertThat(page.tests().problems()).contains("details truncated: 1,500 test case(s) after the first 1,000 with"
                + " details are kept without message, stack trace and output");
    }

    @Test
    void scriptSafeJsonStillParsesToTheSameText() {
        String text = "</script><!-- & \u2028 >";
        String safe = HtmlReport.scriptSafe(Json.write(List.of(text)));
        assertThat(safe).doesNotContain("<", ">", "&", "\u2028");
        assertThat(Json.read(safe, List.class)).containsExactly(text);
    }

    @Test
    void linksToCoverageAndOrphanReportsThatExist() throws IOException {
        Path dir = tmp.resolve("r");
        OrphanScanner.write(OrphanReport.NONE, dir);
        String html = Files.readString(HtmlReport.write(List.of(), Optional.empty(), dir));
        assertThat(html).contains("\"href\":\"orphans.html\"").doesNotContain("jacoco/index.html");
    }

    @Test
    void withoutDetailsTheNewestHistoryRecordIsShown() throws IOException {
        List<RunRecord> history = SampleResults.history(3);
        String html = Files.readString(HtmlReport.write(history, Optional.empty(), tmp));
        assertThat(html).contains("\"last\":{\"record\":{\"runId\":\"build-2\"");
    }
}
