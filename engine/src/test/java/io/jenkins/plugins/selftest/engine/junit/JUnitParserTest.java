package io.jenkins.plugins.selftest.engine.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JUnitParserTest {

    @TempDir
    Path tmp;

    /** Issue #10, item 12: a huge report was kept whole (a 264 MB details file); now only its first cases keep details. */
    @Test
    void aHugeReportIsCountedExactlyButOnlyItsFirstCasesKeepTheirDetails() throws IOException {
        int n = 20_000;
        Path xml = hugeReport(tmp.resolve("TEST-huge.xml"), n, "x".repeat(600));

        TestSuiteResult r = JUnitParser.parse(List.of(xml));

        assertThat(r.total()).isEqualTo(n);
        assertThat(r.failed()).isEqualTo(n);
        assertThat(r.failures().stream().filter(c -> c.details().isPresent()).count())
                .isEqualTo(TestSuiteResult.MAX_DETAILED_CASES);
        assertThat(r.detailsDropped()).isEqualTo(n - TestSuiteResult.MAX_DETAILED_CASES);
        assertThat(r.failures().get(n - 1).message()).isEmpty();
        Path json = tmp.resolve("tests.json");
        io.jenkins.plugins.selftest.engine.json.Json.writeAtomically(json, r);
        assertThat(Files.size(json)).as("details of %s cases: names and figures, not 600-character stacks", n)
                .isLessThan(n * 400L + TestSuiteResult.MAX_DETAILED_CASES * 1000L);
        TestSuiteResult merged = TestSuiteResult.merge(List.of(r, r));
        assertThat(merged.total()).isEqualTo(2 * n);
        assertThat(merged.detailsDropped()).isEqualTo(2 * n - TestSuiteResult.MAX_DETAILED_CASES);
    }

    /** A generated report of {@code n} failed cases whose names and messages carry ESC sequences (XML 1.1 allows them). */
    static Path hugeReport(Path file, int n, String stack) throws IOException {
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("<?xml version=\"1.1\" encoding=\"UTF-8\"?>\n<testsuite name=\"huge\">\n");
            for (int i = 0; i < n; i++) {
                w.write("<testcase classname=\"pkg.C" + (i % 100) + "\" name=\"test&#x1b;[2J&#x1b;]0;owned&#x7;" + i
                        + "\" time=\"0.001\"><failure message=\"boom&#x1b;[31m red\" type=\"AssertionError\">" + stack
                        + "</failure><system-out>out " + i + "</system-out></testcase>\n");
            }
            w.write("</testsuite>\n");
        }
        return file;
    }

    private static Path fixture(String name) throws IOException {
        try {
            return Path.of(JUnitParserTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static TestCaseResult find(TestSuiteResult r, String name) {
        return r.cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no case " + name + " in " + r.cases()));
    }

    @Test
    void readsSurefireReportWithFlakyRerunsSkipsAndOutput() throws IOException {
        TestSuiteResult r = JUnitParser.parse(List.of(fixture("TEST-com.example.CalculatorTest.xml")));

        assertThat(r.problems()).isEmpty();
        assertThat(r.total()).isEqualTo(6);
        assertThat(r.passed()).isEqualTo(2);
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.flaky()).isEqualTo(1);

        TestCaseResult flaky = find(r, "sometimesTimesOut");
        assertThat(flaky.status()).isEqualTo(TestStatus.PASSED);
        assertThat(flaky.flaky()).isTrue();
        assertThat(flaky.durationSeconds()).isEqualTo(1000.25);
        assertThat(flaky.message()).contains("timed out");

        TestCaseResult rerun = find(r, "alwaysFails");
        assertThat(rerun.status()).isEqualTo(TestStatus.FAILED);
        assertThat(rerun.flaky()).as("failing every rerun is a failure, not a flake").isFalse();

        TestCaseResult failed = find(r, "dividesByZero");
        assertThat(failed.className()).isEqualTo("com.example.CalculatorTest");
        assertThat(failed.fullName()).isEqualTo("com.example.CalculatorTest.dividesByZero");
        assertThat(failed.message()).contains("expected: <1> but was: <2>");
        assertThat(failed.details().orElseThrow()).contains("CalculatorTest.java:42");
        assertThat(failed.systemOut()).contains("computing 1/0\n");
        assertThat(failed.reportFile()).endsWith("TEST-com.example.CalculatorTest.xml");

        assertThat(find(r, "ignoredForNow").message()).contains("not ready");
        assertThat(find(r, "opensDatabase").status()).isEqualTo(TestStatus.ERROR);
        assertThat(r.classDurations()).containsOnlyKeys("com.example.CalculatorTest");
        assertThat(r.classDurations().get("com.example.CalculatorTest")).isCloseTo(1000.866, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void readsGradleReportAndGivesSuiteOutputToFailures() throws IOException {
        TestSuiteResult r = JUnitParser.parse(List.of(fixture("gradle-TEST-org.acme.ParserTest.xml")));

        assertThat(r.problems()).isEmpty();
        assertThat(r.total()).isEqualTo(3);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.skipped()).isEqualTo(1);
        TestCaseResult failed = find(r, "rejectsGarbage()");
        assertThat(failed.systemOut()).contains("parser debug output\n");
        assertThat(find(r, "parsesEmptyInput()").systemOut()).isEmpty();
        assertThat(find(r, "[1] input=a, expected=b").status()).isEqualTo(TestStatus.SKIPPED);
    }

    @Test
    void readsPytestReportWithModulesAsClasses() throws IOException {
        TestSuiteResult r = JUnitParser.parse(List.of(fixture("pytest-results.xml")));

        assertThat(r.problems()).isEmpty();
        assertThat(r.total()).isEqualTo(5);
        assertThat(r.passed()).isEqualTo(2);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(find(r, "test_div[2-1]").className()).isEqualTo("tests.test_math.TestDivision");
        assertThat(find(r, "test_div[2-1]").details().orElseThrow()).contains(">       assert a / b == 1");
        assertThat(find(r, "test_skip").message()).contains("needs GPU");
        assertThat(find(r, "test_read").message()).contains("failed on setup with \"FileNotFoundError\"");
        assertThat(find(r, "test_without_class").className()).as("falls back to the suite name").isEqualTo("pytest");
        assertThat(r.classDurations()).containsKeys("tests.test_math", "tests.test_io", "pytest");
    }

    @Test
    void directoryPrefersSurefireReportsAndSkipsNonJUnitXml() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("surefire-reports/nested"));
        Files.copy(fixture("TEST-com.example.CalculatorTest.xml"), dir.resolve("TEST-com.example.CalculatorTest.xml"));
        Files.writeString(dir.getParent().resolve("failsafe-summary.xml"), "<failsafe-summary result=\"0\"/>");
        Files.writeString(dir.getParent().resolve("TEST-summary.xml"), "<failsafe-summary result=\"0\"/>");

        TestSuiteResult r = JUnitParser.parse(List.of(dir.getParent()));

        assertThat(r.problems()).isEmpty();
        assertThat(r.total()).isEqualTo(6);
    }

    @Test
    void directoryWithoutSurefireNamesReadsAllXml() throws IOException {
        Files.copy(fixture("pytest-results.xml"), tmp.resolve("junit.xml"));
        assertThat(JUnitParser.parse(List.of(tmp)).total()).isEqualTo(5);
    }

    @Test
    void missingPathAndNonJUnitFileAreProblemsNotExceptions() throws IOException {
        Path other = Files.writeString(tmp.resolve("pom.xml"), "<project/>");
        TestSuiteResult r = JUnitParser.parse(List.of(tmp.resolve("nope"), other));
        assertThat(r.cases()).isEmpty();
        assertThat(r.problems()).hasSize(2);
        assertThat(r.problems().get(0)).contains("nope").contains("no such");
        assertThat(r.problems().get(1)).contains("pom.xml").contains("<project>");
    }

    @Test
    void truncatedReportIsNamedAndOtherReportsAreKept() throws IOException {
        String full = Files.readString(fixture("TEST-com.example.CalculatorTest.xml"));
        Path truncated = Files.writeString(tmp.resolve("TEST-truncated.xml"), full.substring(0, full.indexOf("<testcase name=\"opensDatabase\"") + 20));
        Path good = fixture("pytest-results.xml");

        TestSuiteResult r = JUnitParser.parse(List.of(truncated, good));

        assertThat(r.problems()).singleElement().asString()
                .contains("TEST-truncated.xml").contains("malformed or truncated").contains("line")
                .contains("kept the 3 test case(s)");
        assertThat(r.total()).isEqualTo(3 + 5);
    }

    @Test
    void malformedReportIsNamedAndOtherReportsAreKept() throws IOException {
        Path bad = Files.writeString(tmp.resolve("TEST-bad.xml"),
                "<testsuite><testcase name=\"a\" classname=\"A\"></testsuite>");
        TestSuiteResult r = JUnitParser.parse(List.of(bad, fixture("gradle-TEST-org.acme.ParserTest.xml")));
        assertThat(r.problems()).singleElement().asString().contains("TEST-bad.xml").contains("malformed");
        assertThat(r.total()).isEqualTo(3);
    }

    @Test
    void externalEntityIsNeverResolved() throws IOException {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        Path xxe = Files.writeString(tmp.resolve("TEST-xxe.xml"), """
                <?xml version="1.0"?>
                <!DOCTYPE testsuite [ <!ENTITY xxe SYSTEM "%s"> ]>
                <testsuite name="x"><testcase classname="X" name="leak"><failure message="&xxe;">&xxe;</failure>
                <system-out>&xxe;</system-out></testcase></testsuite>
                """.formatted(secret.toUri()));

        TestSuiteResult r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> JUnitParser.parse(List.of(xxe, fixture("pytest-results.xml"))));

        assertThat(r.problems()).singleElement().asString().contains("TEST-xxe.xml").contains("unsafe JUnit XML refused at line 2").contains("DOCTYPE");
        assertThat(r.total()).isEqualTo(5);
        assertThat(r.toString()).doesNotContain("TOP-SECRET-CONTENT");
    }

    @Test
    void billionLaughsFailsFastAsAProblem() throws IOException {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        dtd.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
        for (int i = 2; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        Path bomb = Files.writeString(tmp.resolve("TEST-bomb.xml"), "<?xml version=\"1.0\"?>" + dtd
                + "<testsuite name=\"b\"><testcase classname=\"B\" name=\"&lol9;\"><system-out>&lol9;</system-out></testcase></testsuite>");

        TestSuiteResult r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> JUnitParser.parse(List.of(bomb, fixture("gradle-TEST-org.acme.ParserTest.xml"))));

        assertThat(r.problems()).singleElement().asString().contains("TEST-bomb.xml");
        assertThat(r.total()).isEqualTo(3);
    }

    @Test
    void undeclaredEntityWithoutDoctypeIsAProblem() throws IOException {
        Path f = Files.writeString(tmp.resolve("TEST-ent.xml"),
                "<testsuite><testcase classname=\"E\" name=\"&undeclared;\"/></testsuite>");
        TestSuiteResult r = JUnitParser.parse(List.of(f));
        assertThat(r.cases()).isEmpty();
        assertThat(r.problems()).singleElement().asString().contains("TEST-ent.xml");
    }

    @Test
    void systemOutAndDetailsAreBounded() throws IOException {
        String huge = "x".repeat(JUnitParser.MAX_OUTPUT_CHARS * 3);
        Path f = Files.writeString(tmp.resolve("TEST-big.xml"), "<testsuite name=\"s\"><testcase classname=\"Big\" name=\"noisy\">"
                + "<failure message=\"" + "m".repeat(100_000) + "\">" + huge + "</failure>"
                + "<system-out>" + huge + "</system-out><system-out>more</system-out></testcase></testsuite>");

        TestCaseResult c = JUnitParser.parse(List.of(f)).cases().get(0);

        String out = c.systemOut().orElseThrow();
        assertThat(out.length()).isLessThan(JUnitParser.MAX_OUTPUT_CHARS + 100);
        assertThat(out).endsWith("[... " + (2L * JUnitParser.MAX_OUTPUT_CHARS) + " more characters not kept]");
        assertThat(c.details().orElseThrow().length()).isLessThan(JUnitParser.MAX_OUTPUT_CHARS + 100);
        assertThat(c.message().orElseThrow().length()).isLessThan(JUnitParser.MAX_MESSAGE_CHARS + 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1", "NaN"})
    void unusableTimesCountAsZero(String time) {
        assertThat(JUnitParser.seconds(time)).isZero();
    }

    @Test
    void mergeConcatenatesCasesAndProblems() throws IOException {
        TestSuiteResult a = JUnitParser.parse(List.of(fixture("pytest-results.xml")));
        TestSuiteResult b = JUnitParser.parse(List.of(tmp.resolve("missing.xml")));
        TestSuiteResult m = TestSuiteResult.merge(List.of(a, TestSuiteResult.EMPTY, b));
        assertThat(m.total()).isEqualTo(5);
        assertThat(m.problems()).hasSize(1);
        assertThat(m.failures()).extracting(TestCaseResult::name).containsExactly("test_div[2-1]", "test_read");
    }
}
