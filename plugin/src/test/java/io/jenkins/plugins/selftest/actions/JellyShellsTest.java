package io.jenkins.plugins.selftest.actions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The pages' Jelly files stay thin shells: well-formed, escaping by default, no inline script (Jenkins' CSP), build
 * data only as a JSON attribute of a view container, and the renderers loaded from the plugin's static files.
 */
class JellyShellsTest {

    private static final String DIR = "/io/jenkins/plugins/selftest/actions/";
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");

    /**
     * Each view with the variable that holds our action there: {@code it} for the action's own pages and summaries,
     * {@code from} for the floating box, which Jenkins includes from the job's page with {@code it} = the job
     * (core's {@code lib/hudson/project/projectActionFloatingBox.jelly}: {@code <st:include page="floatingBox.jelly"
     * from="${a}"/>}).
     */
    @ParameterizedTest
    @CsvSource({"SelfTestBuildAction/summary.jelly, it", "SelfTestBuildAction/index.jelly, it",
            "SelfTestJobAction/floatingBox.jelly, from", "SelfTestJobAction/index.jelly, it",
            "SupervisedServicesAction/summary.jelly, it"})
    void viewIsAThinShell(String view, String action) throws Exception {
        String text = read(view);
        assertThat(text).startsWith("<?jelly escape-by-default='true'?>");
        Document doc = parse(text);

        NodeList scripts = doc.getElementsByTagName("script");
        assertThat(scripts.getLength()).isGreaterThanOrEqualTo(2);
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < scripts.getLength(); i++) {
            Element s = (Element) scripts.item(i);
            assertThat(s.getTextContent().trim()).as("inline script in %s", view).isEmpty();
            sources.add(s.getAttribute("src"));
        }
        assertThat(sources).allMatch(src -> src.startsWith("${resURL}/plugin/supervised-selftest/"));
        assertThat(sources.get(sources.size() - 2)).endsWith("/ui/selftest-ui.js");
        assertThat(sources.get(sources.size() - 1)).endsWith("/ui/selftest-boot.js");

        NodeList all = doc.getElementsByTagName("*");
        int views = 0;
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            for (int a = 0; a < e.getAttributes().getLength(); a++) {
                String name = e.getAttributes().item(a).getNodeName();
                assertThat(name).as("event handler attribute in %s", view).doesNotStartWith("on");
            }
            if (e.hasAttribute("data-selftest-view")) {
                views++;
                assertThat(e.getAttribute("data-selftest")).matches("\\$\\{" + action + "\\.[A-Za-z]+Json(\\(builds\\))?}");
            }
        }
        assertThat(views).as("view containers in %s", view).isEqualTo(1);

        // expressions: only the JSON, URLs and names of our action; never raw output of build data
        String a = action + "\\.";
        Matcher m = EXPRESSION.matcher(text);
        while (m.find()) {
            assertThat(m.group(1)).as("expression in %s", view).matches(String.join("|", "resURL", "rootURL",
                    a + "run\\.url", a + "[a-zA-Z]+Json", a + "getTrendJson\\(builds\\)", a + "displayName",
                    a + "urlName", a + "iconFileName", a + "outcome", a + "run", a + "job", a + "job\\.url",
                    "!" + a + "services\\.isEmpty\\(\\)", "request\\.getParameter\\('builds'\\)")
                            + "|%shown\\(it\\.getBuilds\\(builds\\)\\)");
        }
    }

    /**
     * Regression (issue #8): the floating box read {@code it.trendJson} and {@code it.urlName}, which on the job's page
     * are the job's (none), so it linked to {@code /} and said "No runs recorded yet." whatever the builds had.
     */
    @Test
    void floatingBoxReadsTheActionFromFromNeverFromIt() throws Exception {
        String text = read("SelfTestJobAction/floatingBox.jelly");
        Matcher m = EXPRESSION.matcher(text);
        List<String> expressions = new ArrayList<>();
        while (m.find()) {
            expressions.add(m.group(1));
        }
        assertThat(expressions).noneMatch(e -> e.matches("(?s).*\\bit\\b.*"));
        assertThat(expressions).contains("from.trendJson", "from.urlName", "from.displayName");
        Element heading = (Element) parse(text).getElementsByTagName("h2").item(0);
        Element link = (Element) heading.getElementsByTagName("a").item(0);
        assertThat(link.getAttribute("href")).as("the trend page of this job")
                .isEqualTo("${rootURL}/${from.job.url}${from.urlName}/");
    }

    /** Regression (issue #8, 10f): the summary showed a fixed check mark; it shows the sidebar link's icon. */
    @Test
    void buildSummaryShowsTheActionsOwnIconAndOutcome() throws Exception {
        Document doc = parse(read("SelfTestBuildAction/summary.jelly"));
        Element summary = (Element) doc.getElementsByTagName("t:summary").item(0);
        assertThat(summary.getAttribute("icon")).isEqualTo("${it.iconFileName}");
        NodeList all = doc.getElementsByTagName("div");
        assertThat(((Element) all.item(0)).getAttribute("data-outcome")).isEqualTo("${it.outcome}");
    }

    private static String read(String view) throws IOException {
        try (InputStream in = JellyShellsTest.class.getResourceAsStream(DIR + view)) {
            assertThat(in).as(view).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static Document parse(String text) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
