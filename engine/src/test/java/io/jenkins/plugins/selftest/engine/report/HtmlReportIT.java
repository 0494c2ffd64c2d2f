package io.jenkins.plugins.selftest.engine.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the written report in headless Chromium: the DOM after scripts ran ({@code --dump-dom}) and a screenshot,
 * checked for three rendered charts, escaped hostile texts, and a 200-run history.
 */
class HtmlReportIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2000;

    @TempDir
    static Path tmp;

    private static Path page;
    private static String dom;
    private static BufferedImage screenshot;
    private static BufferedImage darkScreenshot;

    @BeforeAll
    static void renderInChromium() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!ci) {
            assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
        }
        List<RunRecord> history = ReportSamples.history(200);
        RunDetails last = ReportSamples.hostileDetails(history.get(history.size() - 1));
        page = HtmlReport.write(history, Optional.of(last), tmp.resolve("report"));

        Path domFile = tmp.resolve("dom.txt");
        chromium(List.of("--dump-dom", page.toUri().toString()), domFile);
        String out = Files.readString(domFile);
        int start = out.indexOf("<html");
        int end = out.lastIndexOf("</html>");
        assertThat(start).as("Chromium printed a DOM:\n%s", out.length() > 4000 ? out.substring(0, 4000) : out).isNotNegative();
        dom = out.substring(start, end + "</html>".length());

        Path png = tmp.resolve("report.png");
        chromium(List.of("--screenshot=" + png, page.toUri().toString()), tmp.resolve("shot.log"));
        screenshot = ImageIO.read(png.toFile());
        Path kept = Path.of("target", "html-report-it.png");
        Files.createDirectories(kept.getParent());
        Files.copy(png, kept, StandardCopyOption.REPLACE_EXISTING);

        Path dark = tmp.resolve("report-dark.png");
        chromium(List.of("--force-dark-mode", "--screenshot=" + dark, page.toUri().toString()), tmp.resolve("dark.log"));
        darkScreenshot = ImageIO.read(dark.toFile());
        Files.copy(dark, Path.of("target", "html-report-it-dark.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void chromium(List<String> args, Path output) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> argv = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile,
                "--window-size=" + WIDTH + "," + HEIGHT, "--virtual-time-budget=5000"));
        argv.addAll(args);
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.argv(argv)
                .output(new LaunchSpec.Output.ToFile(output, false)).build());
        if (!p.process().waitFor(90, TimeUnit.SECONDS)) {
            p.stop(Signal.KILL, Duration.ofSeconds(2));
            throw new AssertionError("Chromium did not finish within 90 s: " + Files.readString(output));
        }
        // Chromium's helpers (zygote, GPU) must not outlive it
        p.stop(Signal.TERM, Duration.ofSeconds(2));
        assertThat(p.process().exitValue()).as("Chromium exit code; output:\n%s", Files.readString(output)).isZero();
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
        List<int[]> rects = chartRects();
        assertThat(rects).hasSize(3);
        for (int[] r : rects) {
            assertThat(r[1] + r[3]).as("chart inside the screenshot").isLessThanOrEqualTo(screenshot.getHeight());
            int background = screenshot.getRGB(r[0] + 1, r[1] + 1);
            long differing = 0;
            Set<Integer> colours = new HashSet<>();
            for (int y = r[1]; y < r[1] + r[3]; y++) {
                for (int x = r[0]; x < r[0] + r[2]; x++) {
                    int rgb = screenshot.getRGB(x, y) & 0xffffff;
                    if (rgb != (background & 0xffffff)) {
                        differing++;
                    }
                    colours.add(rgb);
                }
            }
            double share = (double) differing / ((long) r[2] * r[3]);
            assertThat(share).as("share of drawn pixels in chart at %s", java.util.Arrays.toString(r)).isGreaterThan(0.05);
            assertThat(colours.size()).as("colours in chart at %s", java.util.Arrays.toString(r)).isGreaterThan(10);
        }
        int[] tests = rects.get(0);
        assertThat(hasColourNear(tests, 0x2da44e)).as("green passed bars").isTrue();
        assertThat(hasColourNear(tests, 0xcf222e)).as("red failed bars").isTrue();
    }

    @Test
    void followsTheDarkColourScheme() {
        assertThat(brightness(screenshot.getRGB(5, 5))).as("light page background").isGreaterThan(200);
        assertThat(brightness(darkScreenshot.getRGB(5, 5))).as("dark page background").isLessThan(60);
        int[] tests = chartRects().get(0);
        assertThat(brightness(darkScreenshot.getRGB(tests[0] + 1, tests[1] + 1))).as("dark chart panel").isLessThan(60);
    }

    private static int brightness(int rgb) {
        return (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3;
    }

    @Test
    void hostileTestNamesAreShownAsTextNotMarkup() {
        assertThat(dom).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(dom).contains(ReportSamples.HOSTILE_CLASS.replace("\"", "\""));
        assertThat(dom).contains("&lt;img src=x onerror=\"document.title='XSS'\"&gt;");
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

    private static List<int[]> chartRects() {
        Matcher m = Pattern.compile("data-chart-rects=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as("chart rectangles reported by the page").isTrue();
        List<int[]> rects = new ArrayList<>();
        for (String r : m.group(1).split(";")) {
            String[] p = r.split(",");
            rects.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3])});
        }
        return rects;
    }

    private static boolean hasColourNear(int[] r, int rgb) {
        for (int y = r[1]; y < r[1] + r[3]; y++) {
            for (int x = r[0]; x < r[0] + r[2]; x++) {
                int c = screenshot.getRGB(x, y);
                if (Math.abs(((c >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 24 && Math.abs(((c >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 24
                        && Math.abs((c & 0xff) - (rgb & 0xff)) < 24) {
                    return true;
                }
            }
        }
        return false;
    }
}
