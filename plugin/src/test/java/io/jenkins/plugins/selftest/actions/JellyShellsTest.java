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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    @ParameterizedTest
    @ValueSource(strings = {"SelfTestBuildAction/summary.jelly", "SelfTestBuildAction/index.jelly",
            "SelfTestJobAction/floatingBox.jelly", "SelfTestJobAction/index.jelly", "SupervisedServicesAction/summary.jelly"})
    void viewIsAThinShell(String view) throws Exception {
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
                assertThat(e.getAttribute("data-selftest")).matches("\\$\\{it\\.[A-Za-z]+Json(\\(builds\\))?}");
            }
        }
        assertThat(views).as("view containers in %s", view).isEqualTo(1);

        // expressions: only the JSON, URLs and names; never raw output of build data
        Matcher m = EXPRESSION.matcher(text);
        while (m.find()) {
            assertThat(m.group(1)).as("expression in %s", view).matches(
                    "resURL|rootURL|it\\.run\\.url|it\\.[a-zA-Z]+Json|it\\.getTrendJson\\(builds\\)|it\\.displayName|it\\.urlName"
                            + "|it\\.run|it\\.job|!it\\.services\\.isEmpty\\(\\)|request\\.getParameter\\('builds'\\)"
                            + "|%shown\\(it\\.getBuilds\\(builds\\)\\)");
        }
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
