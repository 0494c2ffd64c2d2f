package io.jenkins.plugins.selftest.actions;

import static io.jenkins.plugins.selftest.engine.report.PageProbe.brightness;
import static io.jenkins.plugins.selftest.engine.report.PageProbe.chartRects;
import static io.jenkins.plugins.selftest.engine.report.PageProbe.hasColourNear;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.report.Chromium;
import io.jenkins.plugins.selftest.engine.report.PageProbe;
import io.jenkins.plugins.selftest.engine.supervisor.ExitInfo;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.fakes.FakeHistoryBuild;
import io.jenkins.plugins.selftest.fakes.FakeHistoryJob;
import io.jenkins.plugins.selftest.engine.report.SampleResults;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's pages in headless Chromium: test pages built the way the Jelly shells are (a container with the
 * actions' JSON in an escaped data attribute, no inline rendering code) that load the very files the .hpi serves
 * ({@code ui/*.js}, {@code ui/*.css}, {@code echarts/echarts.min.js} from the packaged staging directory), under a
 * stand-in of Jenkins' light and dark theme variables. Checks the DOM after the scripts ran and the screenshots
 * (kept in {@code target/pages-it-*.png}); the test's own scripts measure the page ({@link PageProbe}).
 */
class SelfTestPagesIT {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2400;
    private static final String ROOT_URL = "/jenkins/";
    /** Build #100's display name, set by a user: shown in the trend's tooltip for that build. */
    private static final String HOSTILE_BUILD_NAME = "<img src=x onerror=alert(3)> #100";
    /** Jenkins' theme variables, light by default, dark under data-theme="dark" (as the dark theme sets them). */
    private static final String JENKINS_THEME = """
            :root { --background: #ffffff; --text-color: #14141f; --text-color-secondary: #5e6272;
              --card-background: #f8f8f8; --card-border-color: #e0e0e4; --green: #1ea64b; --red: #e6001f;
              --orange: #fe820a; --blue: #0b6aa2; --purple: #7a39c8; --cyan: #1ba1e2;
              --success-color: var(--green); --error-color: var(--red); --warning-color: var(--orange);
              --link-color: var(--blue); }
            :root[data-theme="dark"] { --background: #1f2335; --text-color: #e6e6f0; --text-color-secondary: #9a9eae;
              --card-background: #262a3d; --card-border-color: #3b3f55; --green: #4ac26b; --red: #ff6b6b;
              --orange: #ffab40; --blue: #6cb6ff; --link-color: var(--blue); }
            body { margin: 0; padding: 1em 2em; background: var(--background); color: var(--text-color);
              font-family: sans-serif; }
            """;

    @TempDir
    static Path tmp;

    private static Path staging;
    private static String buildDom;
    private static String jobDom;
    private static String darkJobDom;
    private static BufferedImage buildShot;
    private static BufferedImage jobShot;
    private static BufferedImage darkJobShot;

    @BeforeAll
    static void renderPagesInChromium() throws Exception {
        Chromium.require();
        staging = Path.of(System.getProperty("hpi.staging", "target/hpi"));
        assertThat(staging.resolve("ui/selftest-ui.js")).as("packaged renderers (run after package)").isRegularFile();

        FakeHistoryJob job = new FakeHistoryJob("app", tmp.resolve("builds"));
        for (int i = 1; i < 200; i++) {
            job.newBuild().addAction(new SelfTestBuildAction(SampleResults.record(i)));
        }
        job.builds.get(99).displayName = HOSTILE_BUILD_NAME;
        FakeHistoryBuild last = job.newBuild();
        RunDetails details = SampleResults.withPackageWithoutBranches(SampleResults.hostileDetails(SampleResults.record(200)));
        SelfTestBuildAction action = SelfTestBuildAction.create(last, details);
        last.addAction(action);
        SupervisedServicesAction services = new SupervisedServicesAction();
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        services.update(SupervisedServicesActionTest.state(t0.plusSeconds(754),
                SupervisedServicesActionTest.service("db", ServiceState.READY, 0, Optional.empty(), Optional.of(t0.plusMillis(2300))),
                SupervisedServicesActionTest.service("api\"<b>x</b>", ServiceState.FAILED, 5,
                        Optional.of(new ExitInfo(6, 1, Optional.empty(), t0, "wrapper")), Optional.empty()),
                SupervisedServicesActionTest.reachable(SupervisedServicesActionTest.service("cache", ServiceState.READY,
                        1, Optional.empty(), Optional.of(t0.plusSeconds(1))), "127.0.0.1", CACHE_PORTS,
                        "selftest-<b>x</b>-cache"),
                SupervisedServicesActionTest.reachable(SupervisedServicesActionTest.service("mock", ServiceState.READY,
                        0, Optional.empty(), Optional.of(t0.plusSeconds(1))), "::1", java.util.Map.of("PORT", 41250),
                        null)));
        services.onAttached(last);
        String base = ROOT_URL + last.getUrl();

        Path build = page("build.html", "light",
                view("build-summary", action.getSummaryJson(), "data-base-url", base)
                        + view("services", services.getServicesJson(), "data-base-url", base)
                        + view("build", action.getPageJson(), "data-base-url", base), false);
        SelfTestJobAction jobAction = new SelfTestJobAction(job);
        String trends = "<div class=\"selftest st-jenkins\">"
                + view("trends", jobAction.getTrendJson("200"), "data-root-url", ROOT_URL).replace(" class=\"selftest st-jenkins\"", "")
                + "</div>";
        Path jobPage = page("job.html", "light", trends, true);
        Path darkJobPage = page("job-dark.html", "dark", trends, true);

        Chromium chromium = Chromium.window(WIDTH, HEIGHT).with("--allow-file-access-from-files");
        buildDom = chromium.dom(build.toUri().toString());
        jobDom = chromium.dom(jobPage.toUri().toString());
        darkJobDom = chromium.dom(darkJobPage.toUri().toString());
        Files.writeString(Path.of("target", "pages-it-build.dom.html"), buildDom);
        Files.writeString(Path.of("target", "pages-it-job.dom.html"), jobDom);
        buildShot = screenshot(chromium, build, "pages-it-build.png");
        jobShot = screenshot(chromium, jobPage, "pages-it-job.png");
        darkJobShot = screenshot(chromium, darkJobPage, "pages-it-job-dark.png");
    }

    /** What the Jelly shells write: our JSON in a data attribute, escaped as Jelly escapes attribute values. */
    private static String view(String name, String json, String urlAttribute, String url) {
        return "<div class=\"selftest st-jenkins\" data-selftest-view=\"" + name + "\" data-selftest=\"" + attribute(json)
                + "\" " + urlAttribute + "=\"" + attribute(url) + "\"></div>\n";
    }

    private static String attribute(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    /**
     * A page loading the served files. Test hooks only: alert() and navigation are recorded on the body, and after
     * rendering the page counts img elements, measures the charts ({@link PageProbe#CHART_RECTS_SCRIPT}) and, for
     * trends, clicks the middle of the tests chart.
     */
    private static Path page(String file, String theme, String body, boolean charts) throws IOException {
        Path hooks = tmp.resolve("test-hooks.js");
        Files.writeString(hooks, """
                window.alert = function (m) { document.body.setAttribute('data-alerted', String(m)); };
                SelfTestUI.navigate = function (url) { document.body.setAttribute('data-navigated', url); };
                """);
        Path probe = tmp.resolve("test-probe.js");
        Files.writeString(probe, PageProbe.CHART_RECTS_SCRIPT);
        Path after = tmp.resolve("test-after.js");
        Files.writeString(after, """
                document.addEventListener('DOMContentLoaded', function () {
                  var chart = document.querySelector('[data-chart="tests"]');
                  if (chart) {
                    var b = chart.getBoundingClientRect();
                    var x = b.left + 56 + (b.width - 72) * 0.5, y = b.top + 36 + (b.height - 84) * 0.9;
                    var target = document.elementFromPoint(x, y) || chart;
                    ['mousemove', 'mousedown', 'mouseup', 'click'].forEach(function (type) {
                      target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0 }));
                    });
                  }
                  // later, so that the tooltip the click opened is in the page
                  setTimeout(function () {
                    document.body.setAttribute('data-na-bars', Array.prototype.map.call(
                        document.querySelectorAll('.st-bar-na'), function (b) {
                          var r = b.getBoundingClientRect();
                          return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)].join(',');
                        }).join(';'));
                    document.body.setAttribute('data-img-count', String(document.querySelectorAll('img').length));
                  }, 300);
                });
                """);
        String ui = staging.resolve("ui").toUri().toString();
        String html = "<!DOCTYPE html>\n<html lang=\"en\" data-theme=\"" + theme + "\"><head><meta charset=\"utf-8\">"
                + "<style>" + JENKINS_THEME + "</style>"
                + "<link rel=\"stylesheet\" href=\"" + ui + "selftest-ui.css\"></head><body>\n"
                + body
                + (charts ? "<script src=\"" + staging.resolve("echarts/echarts.min.js").toUri() + "\"></script>\n" : "")
                + "<script src=\"" + ui + "selftest-ui.js\"></script>\n"
                + "<script src=\"" + hooks.toUri() + "\"></script>\n"
                + "<script src=\"" + ui + "selftest-boot.js\"></script>\n"
                + "<script src=\"" + probe.toUri() + "\"></script>\n"
                + "<script src=\"" + after.toUri() + "\"></script>\n"
                + "</body></html>\n";
        Path p = tmp.resolve(file);
        Files.writeString(p, html);
        return p;
    }

    private static BufferedImage screenshot(Chromium chromium, Path page, String keep) throws Exception {
        return ImageIO.read(chromium.screenshot(page.toUri().toString(), Path.of("target", keep)).toFile());
    }

    // --- build page ---

    @Test
    void buildPageRendersEverySectionFromTheActionsJson() {
        assertThat(buildDom).doesNotContain("data-selftest-error");
        assertThat(buildDom).contains("Failures (2)", "Shards", "Coverage by package", "Orphan classes (2)",
                "com.example.CalculatorTest.dividesByZero", "ArithmeticException: / by zero", "Supervised services",
                "Details: shards, failures, coverage by package");
        assertThat(countOf(buildDom, "data-selftest-rendered=\"true\"")).isEqualTo(3);
    }

    @Test
    void hostileTestNamesAndMessagesAreShownAsText() {
        String rendered = withoutDataAndScripts(buildDom);
        assertThat(rendered).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(rendered).contains("com.example.\"Quoted\"'Single'");
        assertThat(rendered).contains("expected &lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\" but was '&lt;/div&gt;&lt;script&gt;alert(2)&lt;/script&gt;'");
        for (String markup : List.of("<img", "<b>bold", "<b>x", "<b>evil", "<i>trace", "<i>Helper", "<script>alert")) {
            assertThat(rendered).as("rendered page contains markup %s", markup).doesNotContain(markup);
        }
        assertThat(buildDom).contains("data-img-count=\"0\"");
        assertThat(buildDom).doesNotContain("data-alerted");
    }

    @Test
    void summaryShowsTheCoverageChangeAndArtifactLinks() {
        Matcher change = Pattern.compile("data-change=\"([^\"]+)\"").matcher(buildDom);
        assertThat(change.find()).as("coverage change shown").isTrue();
        assertThat(change.group(1)).matches("[+\u2212\u00b1]\\d+\\.\\d pts");
        assertThat(buildDom).contains("href=\"/jenkins/job/app/200/artifact/selftest/jacoco/index.html\"",
                "href=\"/jenkins/job/app/200/artifact/selftest/orphans.html\"",
                "href=\"/jenkins/job/app/200/artifact/selftest/shards/\"", "href=\"/jenkins/job/app/200/selfTest/\"");
    }

    /** A container with two published ports (issue #13): 6379 and 8001 on free host ports. */
    private static final java.util.Map<String, Integer> CACHE_PORTS = new java.util.LinkedHashMap<>(
            java.util.Map.of("6379", 41234));

    static {
        CACHE_PORTS.put("8001/udp", 41235);
    }

    @Test
    void servicesTableShowsWhereTheBodyReachesEachServiceEscaped() {
        String services = section(buildDom, "data-selftest-view=\"services\"");
        assertThat(services).contains(">Reached at</th>", "<code>6379 \u2192 127.0.0.1:41234</code>",
                "<code>8001/udp \u2192 127.0.0.1:41235</code>", "<code>[::1]:41250</code>",
                "container selftest-&lt;b&gt;x&lt;/b&gt;-cache").doesNotContain("<b>x</b>");
    }

    @Test
    void servicesTableShowsStateRestartsExitTimesAndLogLinks() {
        String services = section(buildDom, "data-selftest-view=\"services\"");
        assertThat(services).contains(">Service</th>", ">ready<", ">failed<", ">5<", "exit 1", "2.30 s", "12 min 34 s");
        assertThat(services).contains("href=\"/jenkins/job/app/200/artifact/supervised-services/db.log\"");
        assertThat(services).contains("api\"&lt;b&gt;x&lt;/b&gt;")
                .contains("href=\"/jenkins/job/app/200/artifact/supervised-services/api%22%3Cb%3Ex%3C/b%3E.log\"");
    }

    @Test
    void buildPageScreenshotShowsTablesInBothColours() {
        assertThat(brightness(buildShot.getRGB(3, 3))).as("light background").isGreaterThan(200);
        assertThat(hasColourNear(buildShot, new int[] {0, 0, WIDTH, buildShot.getHeight()}, 0xe6001f)).as("red failure text").isTrue();
        assertThat(hasColourNear(buildShot, new int[] {0, 0, WIDTH, buildShot.getHeight()}, 0x1ea64b)).as("green passed text").isTrue();
    }

    /** Regression (issue #8, 10c): a package without branches had a fully red Branches bar. */
    @Test
    void aPackageWithoutBranchesShowsNotApplicableOnANeutralBar() {
        String build = section(buildDom, "data-selftest-view=\"build\"");
        int row = build.indexOf(SampleResults.NO_BRANCH_PACKAGE + "</code>");
        assertThat(row).as("the package's row").isNotNegative();
        String cells = build.substring(row, build.indexOf("</tr>", row));
        assertThat(countOf(cells, "st-bar-na")).as("n/a bars in the row (branches only)").isEqualTo(1);
        assertThat(cells).contains("100.0 %", "n/a");

        Matcher m = Pattern.compile("data-na-bars=\"([^\"]+)\"").matcher(buildDom);
        assertThat(m.find()).as("n/a bars reported by the page").isTrue();
        for (String rect : m.group(1).split(";")) {
            int[] r = Arrays.stream(rect.split(",")).mapToInt(Integer::parseInt).toArray();
            assertThat(r[2]).as("bar width").isGreaterThan(20);
            assertThat(r[1] + r[3]).as("bar inside the screenshot").isLessThanOrEqualTo(buildShot.getHeight());
            assertThat(hasColourNear(buildShot, r, 0xe6001f)).as("red in the n/a bar %s", rect).isFalse();
            assertThat(hasColourNear(buildShot, r, 0x1ea64b)).as("green in the n/a bar %s", rect).isFalse();
            assertThat(brightness(buildShot.getRGB(r[0] + r[2] / 2, r[1] + r[3] / 2))).as("a visible grey bar")
                    .isBetween(120, 250);
        }
    }

    // --- job page ---

    @Test
    void trendsDrawThreeChartsOf200Builds() {
        for (String dom : List.of(jobDom, darkJobDom)) {
            assertThat(dom).contains("data-charts-rendered=\"3\"");
            String tests = section(dom, "data-chart=\"tests\"");
            assertThat(countOf(tests, "<path")).as("bars of 200 builds").isGreaterThan(200);
            assertThat(tests).as("x-axis labels are the builds' names").contains(">#1<");
            assertThat(dom).contains("data-links=\"200\"");
        }
    }

    /** Regression: charts were initialised before the grid had all its columns and drew 3x too wide, clipped. */
    @Test
    void eachChartIsDrawnAtTheWidthOfItsBox() {
        List<int[]> rects = chartRects(jobDom);
        List<String> keys = List.of("tests", "coverage", "runtime");
        for (int i = 0; i < keys.size(); i++) {
            Matcher svg = Pattern.compile("<svg[^>]* width=\"(\\d+)\"").matcher(section(jobDom, "data-chart=\"" + keys.get(i) + "\""));
            assertThat(svg.find()).as("svg of %s", keys.get(i)).isTrue();
            assertThat(Integer.parseInt(svg.group(1))).as("width of the %s chart", keys.get(i)).isBetween(rects.get(i)[2] - 2, rects.get(i)[2] + 2);
        }
        assertThat(rects.get(1)[0]).as("three charts side by side").isGreaterThan(rects.get(0)[0] + rects.get(0)[2]);
    }

    @Test
    void aClickInAChartOpensThatBuild() {
        Matcher m = Pattern.compile("data-navigated=\"/jenkins/job/app/(\\d+)/\"").matcher(jobDom);
        assertThat(m.find()).as("navigation after a click in the tests chart").isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("the build in the middle of 200").isBetween(90, 112);
    }

    @Test
    void aHostileBuildNameIsShownAsTextInTheTooltip() {
        assertThat(jobDom).contains("&lt;img src=x onerror=alert(3)&gt; #100");
        assertThat(jobDom).contains("data-img-count=\"0\"");
        assertThat(jobDom).doesNotContain("data-alerted");
    }

    @Test
    void chartsHaveContentInTheLightAndTheDarkTheme() {
        for (var shot : List.of(new Object[] {jobShot, jobDom}, new Object[] {darkJobShot, darkJobDom})) {
            BufferedImage img = (BufferedImage) shot[0];
            List<int[]> rects = chartRects((String) shot[1]);
            assertThat(rects).hasSize(3);
            for (int[] r : rects) {
                assertThat(r[1] + r[3]).as("chart inside the screenshot").isLessThanOrEqualTo(img.getHeight());
                PageProbe.Drawn drawn = PageProbe.drawn(img, r);
                assertThat(drawn.share()).as("drawn share of chart %s", Arrays.toString(r)).isGreaterThan(0.05);
                assertThat(drawn.colours()).as("colours in chart %s", Arrays.toString(r)).isGreaterThan(10);
            }
        }
    }

    @Test
    void followsJenkinsThemeVariables() {
        int[] light = chartRects(jobDom).get(0);
        int[] dark = chartRects(darkJobDom).get(0);
        assertThat(brightness(jobShot.getRGB(3, 3))).as("light page").isGreaterThan(200);
        assertThat(brightness(darkJobShot.getRGB(3, 3))).as("dark page").isLessThan(70);
        assertThat(brightness(jobShot.getRGB(light[0] + 1, light[1] + 1))).as("light chart panel").isGreaterThan(200);
        assertThat(brightness(darkJobShot.getRGB(dark[0] + 1, dark[1] + 1))).as("dark chart panel").isLessThan(70);
        assertThat(hasColourNear(jobShot, light, 0x1ea64b)).as("Jenkins green bars, light").isTrue();
        assertThat(hasColourNear(darkJobShot, dark, 0x4ac26b)).as("Jenkins green bars, dark").isTrue();
        assertThat(hasColourNear(darkJobShot, dark, 0xe6e6f0)).as("light legend text on dark").isTrue();
    }

    // --- helpers ---

    private static String withoutDataAndScripts(String dom) {
        return dom.replaceAll("(?s)<script[^>]*>.*?</script>", "").replaceAll("data-selftest=\"[^\"]*\"", "");
    }

    private static String section(String dom, String marker) {
        int start = dom.indexOf(marker);
        assertThat(start).as("%s in DOM", marker).isNotNegative();
        int next = dom.indexOf("data-selftest-view=", start + marker.length());
        int nextChart = dom.indexOf("data-chart=\"", start + marker.length());
        int end = dom.length();
        if (next > 0) {
            end = Math.min(end, next);
        }
        if (marker.startsWith("data-chart=") && nextChart > 0) {
            end = Math.min(end, nextChart);
        }
        return dom.substring(start, end);
    }

    private static int countOf(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
