package io.jenkins.plugins.selftest.realjenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.report.Chromium;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * selfTest in a real Jenkins on the bundled example: what a user sees on the build page, the job page (trend in the
 * floating box), the archived reports and the REST API, looked at in headless Chromium; security with anonymous
 * read off.
 */
@ExtendWith(RealJenkinsExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfTestIT {

    private static final String JOB = "calculator";
    /** Where the screenshots are kept for a person to look at. */
    private static final Path SHOTS = Path.of("target", "real-jenkins", "screenshots");
    /** A real Jenkins page gets 8 s of virtual time for its scripts. */
    private static final Chromium BROWSER = Chromium.window(1280, 1400).virtualTime(Duration.ofSeconds(8));
    private static final String PIPELINE = """
            node {
              sh 'rm -rf * && cp -r %s/. .'
              def r = selfTest(shards: 2, framework: 'maven', excludes: 'Slow*', timeout: '10m')
              echo "returned ${r.total} tests"
            }
            """.formatted(Examples.calculator());

    @BeforeAll
    static void needsChromium() {
        Chromium.require();
    }

    @Test
    @Order(1)
    void threeBuildsPublishResultsReportsAndATrend(RealJenkins j) throws Exception {
        for (int i = 1; i <= 3; i++) {
            String console = j.runToSuccess(JOB, PIPELINE, Duration.ofMinutes(5));
            assertThat(console).contains("returned 32 tests").doesNotContain("cannot write the HTML report");
        }
        String artifacts = j.get("job/" + JOB + "/3/api/json?tree=artifacts[relativePath]").body();
        assertThat(artifacts).contains("selftest/index.html", "selftest/jacoco/index.html", "selftest/orphans.json");
        String report = j.get("job/" + JOB + "/3/artifact/selftest/index.html").body();
        assertThat(report).contains("echarts");
        assertThat(j.get("job/" + JOB + "/3/selfTest/api/json").body()).contains("\"total\":32");
    }

    @Test
    @Order(2)
    void jobPageShowsTheTrendOfEveryBuild(RealJenkins j) throws Exception {
        String dom = BROWSER.dom(j.url() + "job/" + JOB + "/");
        screenshot(j.url() + "job/" + JOB + "/", "job-page", 1280, 1400);
        assertThat(dom).doesNotContain("No runs recorded yet.")
                .contains("id=\"selftest-trends-selfTest\"", "href=\"/job/" + JOB + "/selfTest/\"")
                .containsPattern("data-charts-rendered=\"3\"");
        assertThat(chartsDrawn(dom)).as("trend charts drawn in the floating box").isEqualTo(3);
    }

    @Test
    @Order(3)
    void buildPageAndResultsPageRender(RealJenkins j) throws Exception {
        String build = BROWSER.dom(j.url() + "job/" + JOB + "/3/");
        screenshot(j.url() + "job/" + JOB + "/3/", "build-page", 1280, 1400);
        Path results = screenshot(j.url() + "job/" + JOB + "/3/selfTest/", "results-page", 1280, 2000);
        assertThat(results).isRegularFile();
        assertThat(build).contains("st-summary").containsPattern("<b[^>]*>32</b>tests");
        String page = BROWSER.dom(j.url() + "job/" + JOB + "/3/selfTest/");
        assertThat(page).containsPattern("<b[^>]*>32</b>tests")
                .contains("org.example.calc.LegacyExporter", "org.example.calc");
    }

    private static Path screenshot(String url, String name, int width, int height) throws Exception {
        return Chromium.window(width, height).virtualTime(Duration.ofSeconds(8)).screenshot(url, SHOTS.resolve(name + ".png"));
    }

    /** How many {@code st-chart} containers hold an SVG that ECharts drew. */
    static int chartsDrawn(String dom) {
        int drawn = 0;
        for (int at = dom.indexOf("class=\"st-chart\""); at >= 0; at = dom.indexOf("class=\"st-chart\"", at + 1)) {
            int next = dom.indexOf("class=\"st-chart\"", at + 1);
            String box = dom.substring(at, next < 0 ? Math.min(dom.length(), at + 20000) : next);
            if (box.contains("<svg")) {
                drawn++;
            }
        }
        return drawn;
    }

    @Test
    @Order(4)
    void failedTestsShowAsFailedAndASecondSelfTestKeepsItsOwnResults(RealJenkins j) throws Exception {
        RealJenkins.Build b = j.run("two-calls", """
                node {
                  sh 'rm -rf * && cp -r %s/. .'
                  writeFile file: 'src/test/java/org/example/calc/BrokenTest.java', text: '''
                    package org.example.calc;
                    import static org.junit.jupiter.api.Assertions.assertEquals;
                    import org.junit.jupiter.api.Test;
                    class BrokenTest {
                        @Test void addsWrongly() { assertEquals(5L, new Calculator().add(2, 2)); }
                    }
                    '''
                  selfTest(shards: 2, framework: 'maven', excludes: 'Slow*', timeout: '10m')
                  selfTest(framework: 'maven', tests: 'FractionTest', timeout: '10m')
                }
                """.formatted(Examples.calculator()), Duration.ofMinutes(6));
        String console = j.console(b.job(), b.number());
        assertThat(b.result()).as(console).isEqualTo("UNSTABLE");
        assertThat(console).contains("selfTest call 2 of this build");
        String first = j.get(b.url() + "selfTest/api/json").body();
        String second = j.get(b.url() + "selfTest-2/api/json").body();
        assertThat(first).contains("\"failed\":1", "BrokenTest").doesNotContain("\"reportFile\":\"/");
        assertThat(second).contains("\"failed\":0").doesNotContain("BrokenTest");
        assertThat(RealJenkins.jsonString(first, "runId")).isNotEqualTo(RealJenkins.jsonString(second, "runId"));
        assertThat(j.get(b.url() + "api/json?tree=artifacts[relativePath]").body())
                .contains("selftest/index.html", "selftest-2/index.html");
        String dom = BROWSER.dom(j.url() + b.url());
        screenshot(j.url() + b.url(), "build-page-two-calls", 1280, 1600);
        assertThat(dom).containsPattern("id=\"selftest-summary-selfTest\"[^>]*data-outcome=\"failed\"")
                .containsPattern("id=\"selftest-summary-selfTest-2\"[^>]*data-outcome=\"passed\"");
    }

    @Test
    @Order(5)
    void withoutAnonymousReadNothingOfOursIsShownToStrangers(RealJenkins j) throws Exception {
        j.groovy("jenkins.model.Jenkins.get().getAuthorizationStrategy().setAllowAnonymousRead(false)");
        try {
            for (String path : new String[] {"job/" + JOB + "/3/selfTest/", "job/" + JOB + "/3/selfTest/api/json",
                    "job/" + JOB + "/selfTest/", "job/" + JOB + "/selfTest/prometheus",
                    "job/" + JOB + "/3/artifact/selftest/index.html"}) {
                assertThat(j.getAnonymously(path).statusCode()).as(path).isIn(403, 404);
                assertThat(j.get(path).statusCode()).as(path + " as the administrator").isEqualTo(200);
            }
            assertThat(j.postAnonymously("job/" + JOB + "/build", "").statusCode()).isIn(403, 404);
            assertThat(j.postAnonymously("scriptText", "script=println(1)").statusCode()).isIn(403, 404);
        } finally {
            j.groovy("jenkins.model.Jenkins.get().getAuthorizationStrategy().setAllowAnonymousRead(true)");
        }
        // with anonymous read on, a stranger reads but changes nothing
        assertThat(j.getAnonymously("job/" + JOB + "/3/selfTest/").statusCode()).isEqualTo(200);
        assertThat(j.postAnonymously("job/" + JOB + "/build", "").statusCode()).isIn(403);
    }
}
