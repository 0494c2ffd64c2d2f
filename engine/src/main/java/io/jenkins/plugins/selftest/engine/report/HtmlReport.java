package io.jenkins.plugins.selftest.engine.report;

import io.jenkins.plugins.selftest.engine.coverage.CoverageAggregator;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.TrendSeries;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanScanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the self-contained self-test report page ({@code index.html}): trend charts of tests, coverage and
 * runtime, then the last run's shards, failures, problems, coverage by package and orphans.
 *
 * <p>The page needs no network: ECharts (from the {@code org.webjars:echarts} jar) and the shared renderers
 * ({@code io/jenkins/plugins/selftest/ui/selftest-ui.js} and {@code .css}) are inlined, and the data is embedded
 * as JSON with {@code <}, {@code >} and {@code &} escaped, so no build text can close the script element; the
 * renderers put every text in with {@code textContent}. The data is trimmed for the page: only failed and flaky
 * cases, with bounded texts.
 *
 * <p>Stateless and thread-safe. The page is written to a temporary file and moved into place.
 */
public final class HtmlReport {

    /** The page's file name inside the report directory. */
    public static final String FILE_NAME = "index.html";
    /** Runs shown in the trend charts. */
    public static final int MAX_TREND_POINTS = 500;
    /** Failed and flaky cases listed on the page. */
    public static final int MAX_LISTED_CASES = 500;
    static final int MAX_DETAILS_CHARS = 16 * 1024;
    static final int MAX_OUTPUT_CHARS = 8 * 1024;

    static final String UI = "/io/jenkins/plugins/selftest/ui/";
    private static final Pattern TOKEN = Pattern.compile("@(TITLE|CSS|DATA|ECHARTS|UI)@");

    private HtmlReport() {
    }

    /**
     * Writes the page into {@code reportDir} (created if needed) and returns its path. {@code last} defaults to the
     * newest history record (without test, coverage and orphan details). Links to JaCoCo's report and the orphan
     * report are added when those files are in {@code reportDir}.
     */
    public static Path write(List<RunRecord> history, Optional<RunDetails> last, Path reportDir) throws IOException {
        Files.createDirectories(reportDir);
        Optional<RunDetails> details = last.or(() -> history.isEmpty() ? Optional.empty()
                : Optional.of(new RunDetails(history.get(history.size() - 1), null, null, null)));

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", "Self-test report");
        data.put("generatedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        data.put("trend", TrendSeries.of(history, MAX_TREND_POINTS));
        data.put("last", details.map(HtmlReport::forPage).orElse(null));
        data.put("links", links(reportDir));

        Map<String, String> values = Map.of(
                "TITLE", "Self-test report",
                "CSS", resource(UI + "selftest-ui.css"),
                "DATA", scriptSafe(Json.write(data)),
                "ECHARTS", Echarts.script(),
                "UI", resource(UI + "selftest-ui.js"));
        String page = fill(resource(UI + "selftest-report.html"), values);

        Path target = reportDir.resolve(FILE_NAME);
        Path tmp = Files.createTempFile(reportDir, ".index", ".html.tmp");
        try {
            Files.writeString(tmp, page, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write the report page " + target + ": " + e.getMessage()
                    + " - check that the report directory is writable", e);
        }
        return target;
    }

    /** One-pass substitution, so an inserted text is never searched for tokens again. */
    private static String fill(String template, Map<String, String> values) {
        Matcher m = TOKEN.matcher(template);
        StringBuilder sb = new StringBuilder(template.length() + values.values().stream().mapToInt(String::length).sum());
        while (m.find()) {
            m.appendReplacement(sb, "");
            sb.append(values.get(m.group(1)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static List<Map<String, String>> links(Path reportDir) {
        List<Map<String, String>> links = new ArrayList<>();
        if (Files.isRegularFile(reportDir.resolve(CoverageAggregator.HTML_DIR).resolve("index.html"))) {
            links.add(Map.of("href", CoverageAggregator.HTML_DIR + "/index.html", "text", "JaCoCo coverage report"));
        }
        if (Files.isRegularFile(reportDir.resolve(CoverageAggregator.XML_FILE))) {
            links.add(Map.of("href", CoverageAggregator.XML_FILE, "text", "JaCoCo XML"));
        }
        if (Files.isRegularFile(reportDir.resolve(PythonCoverage.HTML_DIR).resolve("index.html"))) {
            links.add(Map.of("href", PythonCoverage.HTML_DIR + "/index.html", "text", "Python coverage report"));
        }
        if (Files.isRegularFile(reportDir.resolve(OrphanScanner.HTML_FILE))) {
            links.add(Map.of("href", OrphanScanner.HTML_FILE, "text", "Orphan report"));
        }
        return links;
    }

    /**
     * The run's details as a page shows them: failed and flaky cases only (at most {@value #MAX_LISTED_CASES}, the
     * rest counted in a problem line), texts bounded, no class list. Also used by the Jenkins plugin's pages and API.
     */
    public static RunDetails forPage(RunDetails d) {
        List<TestCaseResult> listed = d.tests().cases().stream()
                .filter(c -> c.isFailure() || c.flaky())
                .limit(MAX_LISTED_CASES)
                .map(c -> new TestCaseResult(c.className(), c.name(), c.durationSeconds(), c.status(), c.flaky(),
                        c.message(), c.details().map(s -> bound(s, MAX_DETAILS_CHARS)),
                        c.systemOut().map(s -> bound(s, MAX_OUTPUT_CHARS)), c.reportFile()))
                .toList();
        List<String> problems = new ArrayList<>(d.tests().problems());
        long notListed = d.tests().cases().stream().filter(c -> c.isFailure() || c.flaky()).count() - listed.size();
        if (notListed > 0) {
            problems.add(notListed + " more failed or flaky test(s) not listed on this page - see the JUnit reports");
        }
        if (d.tests().detailsDropped() > 0) {
            problems.add(String.format(java.util.Locale.ROOT, "details truncated: %,d test case(s) after the first %,d"
                    + " with details are kept without message, stack trace and output", d.tests().detailsDropped(),
                    TestSuiteResult.MAX_DETAILED_CASES));
        }
        CoverageSummary c = d.coverage();
        CoverageSummary coverage = new CoverageSummary(c.instruction(), c.line(), c.branch(), c.method(), c.clazz(),
                c.packages(), java.util.Set.of(), c.warnings(), c.language());
        return new RunDetails(d.record(), new TestSuiteResult(listed, problems, d.tests().detailsDropped()), coverage,
                d.orphans());
    }

    private static String bound(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "\n[... " + (s.length() - max) + " more characters]";
    }

    /** JSON that can sit inside a script element: no tag can be opened or closed from inside a string. */
    static String scriptSafe(String json) {
        StringBuilder sb = new StringBuilder(json.length() + 64);
        for (int i = 0; i < json.length(); i++) {
            char ch = json.charAt(i);
            switch (ch) {
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                case '\u2028' -> sb.append("\\u2028");
                case '\u2029' -> sb.append("\\u2029");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " is missing from the engine jar - the build is broken");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** ECharts from the webjar on the class path, read once. */
    static final class Echarts {
        private static volatile String script;

        private Echarts() {
        }

        static String script() throws IOException {
            String s = script;
            if (s == null) {
                s = load();
                script = s;
            }
            return s;
        }

        private static String load() throws IOException {
            Properties pom = new Properties();
            try (InputStream in = HtmlReport.class.getResourceAsStream("/META-INF/maven/org.webjars/echarts/pom.properties")) {
                if (in == null) {
                    throw new IOException("org.webjars:echarts is not on the class path - the build is broken");
                }
                pom.load(in);
            }
            String js = resource("/META-INF/resources/webjars/echarts/" + pom.getProperty("version") + "/echarts.min.js");
            if (js.toLowerCase(java.util.Locale.ROOT).contains("</script")) {
                throw new IOException("echarts.min.js contains </script> and cannot be inlined");
            }
            return js;
        }
    }
}
