package io.jenkins.plugins.selftest.engine.report;

import static io.jenkins.plugins.selftest.engine.report.PageProbe.brightness;
import static io.jenkins.plugins.selftest.engine.report.PageProbe.chartRects;
import static io.jenkins.plugins.selftest.engine.report.PageProbe.hasColourNear;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the written report in headless Chromium: the DOM after scripts ran ({@code --dump-dom}) and a screenshot,
 * checked for three rendered charts, escaped hostile texts, and a 200-run history. The page opened is the report
 * with one script added at its end ({@link PageProbe#CHART_RECTS_SCRIPT}) that writes where the charts are.
 */
class HtmlReportIT {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2000;

    @TempDir
    static Path tmp;

    private static String dom;
    private static BufferedImage screenshot;
    private static BufferedImage darkScreenshot;

    @BeforeAll
    static void renderInChromium() throws Exception {
        Chromium.require();
        List<RunRecord> history = SampleResults.history(200);
        RunDetails last = SampleResults.withFlakyTest(SampleResults.hostileDetails(history.get(history.size() - 1)));
        Path report = HtmlReport.write(history, Optional.of(last), tmp.resolve("report"));
        Path page = report.resolveSibling("probed.html");
        Files.writeString(page, PageProbe.withChartRects(Files.readString(report)));

        Chromium chromium = Chromium.window(WIDTH, HEIGHT);
        String url = page.toUri().toString();
        dom = chromium.dom(url);
        screenshot = ImageIO.read(chromium.screenshot(url, Path.of("target", "html-report-it.png")).toFile());
        darkScreenshot = ImageIO.read(chromium.with("--force-dark-mode")
                .screenshot(url, Path.of("target", "html-report-it-dark.png")).toFile());
    }

    @Test
    void allThreeChartsRenderAfterScriptsRan() {
        assertThat(dom).contains("data-charts-rendered=\"3\"");
        for (String chart : List.of("tests", "coverage", "runtime")) {
            String html = chartHtml(chart);
            assertThat(html).as(chart).contains("<svg");
            assertThat(countOf(html, "<path")).as("SVG shapes in the %s chart", chart).isGreaterThan(20);
        }
        // 200 runs: the stacked test chart has one bar per run and series
        assertThat(countOf(chartHtml("tests"), "<path")).isGreaterThan(200);
    }

    @Test
    void screenshotShowsThreeChartsWithContent() {
        assertThat(screenshot.getWidth()).isEqualTo(WIDTH);
        List<int[]> rects = chartRects(dom);
        assertThat(rects).hasSize(3);
        for (int[] r : rects) {
            assertThat(r[1] + r[3]).as("chart inside the screenshot").isLessThanOrEqualTo(screenshot.getHeight());
            PageProbe.Drawn drawn = PageProbe.drawn(screenshot, r);
            assertThat(drawn.share()).as("share of drawn pixels in chart at %s", java.util.Arrays.toString(r)).isGreaterThan(0.05);
            assertThat(drawn.colours()).as("colours in chart at %s", java.util.Arrays.toString(r)).isGreaterThan(10);
        }
        int[] tests = rects.get(0);
        assertThat(hasColourNear(screenshot, tests, 0x2da44e)).as("green passed bars").isTrue();
        assertThat(hasColourNear(screenshot, tests, 0xcf222e)).as("red failed bars").isTrue();
    }

    @Test
    void followsTheDarkColourScheme() {
        assertThat(brightness(screenshot.getRGB(5, 5))).as("light page background").isGreaterThan(200);
        assertThat(brightness(darkScreenshot.getRGB(5, 5))).as("dark page background").isLessThan(60);
        int[] tests = chartRects(dom).get(0);
        assertThat(brightness(darkScreenshot.getRGB(tests[0] + 1, tests[1] + 1))).as("dark chart panel").isLessThan(60);
    }

    @Test
    void hostileTestNamesAreShownAsTextNotMarkup() {
        assertThat(dom).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(dom).contains(SampleResults.HOSTILE_CLASS.replace("\"", "\""));
        assertThat(dom).contains("expected &lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\" but was '&lt;/div&gt;&lt;script&gt;alert(2)&lt;/script&gt;'");
        String rendered = dom.replaceAll("(?s)<script[^>]*>.*?</script>", "");
        for (String markup : List.of("<img", "<b>evil", "<i>Helper", "<b>not bold", "<script>alert")) {
            assertThat(rendered.contains(markup)).as("rendered page contains element %s", markup).isFalse();
        }
        Matcher title = Pattern.compile("<title>(.*?)</title>").matcher(dom);
        assertThat(title.find()).isTrue();
        assertThat(title.group(1)).isEqualTo("Self-test report");
        assertThat(dom).contains("&lt;/script&gt;&lt;script&gt;document.title='XSS2'&lt;/script&gt; &amp; more");
    }

    @Test
    void lastRunSectionsAreRendered() {
        assertThat(dom).as("rendered sections").contains("Failures (2)", "Coverage by package", "Orphan classes (2)", "Problems (2)",
                "only reachable through orphans", "com.example.CalculatorTest.dividesByZero", "Flaky (passed on a rerun)");
        assertThat(dom).doesNotContain("passing output is not shown");
        assertThat(dom).contains("from 200 run(s) of history");
    }

    private static String chartHtml(String key) {
        int start = dom.indexOf("data-chart=\"" + key + "\"");
        assertThat(start).as("chart %s in DOM", key).isNotNegative();
        int next = dom.indexOf("data-chart=\"", start + 20);
        return dom.substring(start, next < 0 ? dom.length() : next);
    }

    private static int countOf(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
