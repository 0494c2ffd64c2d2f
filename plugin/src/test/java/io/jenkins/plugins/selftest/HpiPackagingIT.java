package io.jenkins.plugins.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.Extension;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import net.java.sezpoz.Index;
import net.java.sezpoz.IndexItem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opens the .hpi the build assembled, as Jenkins would, and checks what Jenkins reads from it. */
class HpiPackagingIT {

    private static final List<String> FORBIDDEN_PACKAGES = List.of(
            "hudson/", "jenkins/", "org/kohsuke/", "org/jenkinsci/", "com/google/common/", "javax/servlet/",
            "jakarta/servlet/", "com/fasterxml/", "net/sf/json/", "org/apache/commons/lang/", "edu/umd/cs/findbugs/",
            "net/java/sezpoz/", "org/slf4j/");
    private static final List<String> FORBIDDEN_JARS = List.of(
            "jenkins-core", "supervised-selftest-jenkins-api", "stapler", "guava", "servlet", "jackson", "sezpoz",
            "remoting", "workflow-", "structs");

    /** What a shaded jar keeps of each library it packed: {@code META-INF/maven/<group>/<artifact>/pom.properties}. */
    private static final Pattern PACKED_ARTIFACT = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");

    private static Path hpi;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void findHpi() {
        hpi = Path.of(System.getProperty("hpi.file", "target/supervised-selftest.hpi"));
        assertThat(hpi).as("the .hpi built by 'package'").isRegularFile();
    }

    @Test
    void manifestTellsJenkinsWhatThePluginNeeds() throws IOException {
        try (JarFile jar = new JarFile(hpi.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Short-Name")).isEqualTo("supervised-selftest");
            assertThat(main.getValue("Long-Name")).isNotBlank();
            assertThat(main.getValue("Plugin-Version")).isNotBlank();
            assertThat(main.getValue("Jenkins-Version")).isEqualTo("2.462.3");
            assertThat(main.getValue("Minimum-Java-Version")).isEqualTo("17");
            assertThat(main.getValue("Url")).startsWith("https://");
            assertThat(main.getValue("Group-Id")).isEqualTo("io.jenkins.plugins");
            assertThat(List.of(main.getValue("Plugin-Dependencies").split(","))).contains(
                    "workflow-step-api:678.v3ee58b_469476",
                    "workflow-api:1358.vfb_5780da_64cb_",
                    "structs:338.v848422169819",
                    "docker-workflow:592.v1001d948426c;resolution:=optional",
                    "junit:1312.v1a_235a_b_94a_31;resolution:=optional");
        }
    }

    @Test
    void extensionIndexListsBothStepDescriptors() throws IOException {
        Path pluginJar = extract("WEB-INF/lib/supervised-selftest.jar");
        List<String> extensions = new ArrayList<>();
        // a loader that sees only the plugin jar (and the platform), so the index is the packaged one
        try (URLClassLoader loader = new URLClassLoader(new URL[] {pluginJar.toUri().toURL()}, null)) {
            assertThat(loader.getResource("META-INF/annotations/hudson.Extension")).isNotNull();
            for (IndexItem<Extension, Object> item : Index.load(Extension.class, Object.class, loader)) {
                extensions.add(item.className());
            }
            assertThat(loader.getResource("index.jelly")).as("index.jelly describes the plugin").isNotNull();
        }
        assertThat(extensions).contains(
                "io.jenkins.plugins.selftest.steps.SupervisedServiceStep$DescriptorImpl",
                "io.jenkins.plugins.selftest.steps.SelfTestStep$DescriptorImpl");
    }

    /**
     * WEB-INF/lib holds our two jars and nothing else, and nothing inside them is what Jenkins or a dependency
     * plugin provides: no such class, and no such library packed in (a shaded jar keeps each packed library's
     * {@code META-INF/maven/<group>/<artifact>/pom.properties}). Jackson is the one exception: the engine jar carries
     * its streaming parser and YAML format relocated, which the class check proves (no {@code com/fasterxml/} class);
     * its data binding is not packed at all (only the tests use it).
     */
    @Test
    void containsNothingThatJenkinsOrADependencyAlreadyProvides() throws IOException {
        List<String> libs = new ArrayList<>();
        List<String> packed = new ArrayList<>();
        List<String> offending = new ArrayList<>();
        try (JarFile jar = new JarFile(hpi.toFile())) {
            for (ZipEntry e : java.util.Collections.list(jar.entries())) {
                String name = e.getName();
                if (name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")) {
                    libs.add(name.substring("WEB-INF/lib/".length()));
                    try (InputStream in = jar.getInputStream(e); JarInputStream lib = new JarInputStream(in)) {
                        for (ZipEntry c = lib.getNextEntry(); c != null; c = lib.getNextEntry()) {
                            String cn = c.getName();
                            if (cn.endsWith(".class") && FORBIDDEN_PACKAGES.stream().anyMatch(cn::startsWith)) {
                                offending.add(name + "!" + cn);
                            }
                            Matcher artifact = PACKED_ARTIFACT.matcher(cn);
                            if (artifact.matches()) {
                                packed.add(artifact.group(1) + ":" + artifact.group(2));
                            }
                        }
                    }
                } else if (name.endsWith(".class")) {
                    offending.add(name);
                }
            }
        }
        assertThat(libs).containsExactlyInAnyOrder("supervised-selftest.jar", "supervised-selftest-engine.jar");
        assertThat(packed).as("libraries packed into the jars").contains("io.jenkins.plugins:supervised-selftest-engine",
                "org.jacoco:org.jacoco.core", "com.fasterxml.jackson.core:jackson-core",
                "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml");
        assertThat(packed).as("Jackson's data binding: only the tests use it")
                .doesNotContain("com.fasterxml.jackson.core:jackson-databind",
                        "com.fasterxml.jackson.datatype:jackson-datatype-jdk8",
                        "com.fasterxml.jackson.datatype:jackson-datatype-jsr310");
        assertThat(packed).filteredOn(a -> FORBIDDEN_JARS.stream().anyMatch(a::contains))
                .as("libraries Jenkins or a dependency plugin provides, packed into our jars (only Jackson, relocated)")
                .allMatch(a -> a.startsWith("com.fasterxml.jackson."));
        assertThat(offending).as("classes Jenkins or a dependency plugin provides, or loose classes").isEmpty();
    }

    @Test
    void engineJarCarriesItsLibrariesRelocated() throws IOException {
        Path engine = extract("WEB-INF/lib/supervised-selftest-engine.jar");
        try (JarFile jar = new JarFile(engine.toFile())) {
            assertThat(jar.getEntry("io/jenkins/plugins/selftest/engine/json/Json.class")).isNotNull();
            assertThat(jar.getEntry("io/jenkins/plugins/selftest/shaded/jackson/core/JsonFactory.class")).isNotNull();
            String shaded = "io/jenkins/plugins/selftest/shaded/jackson/";
            assertThat(jar.getEntry(shaded + "dataformat/yaml/YAMLFactory.class")).isNotNull();
            assertThat(jar.getEntry(shaded + "databind/ObjectMapper.class")).as("the data binding").isNull();
            assertThat(jar.getEntry("org/jacoco/core/analysis/Analyzer.class")).isNotNull();
        }
    }

    @Test
    void servesEchartsAsStaticResource() throws IOException {
        try (JarFile jar = new JarFile(hpi.toFile())) {
            assertThat(jar.getEntry("echarts/echarts.min.js")).isNotNull();
        }
    }

    @Test
    void servesTheSharedRenderersAsStaticResources() throws IOException {
        try (JarFile jar = new JarFile(hpi.toFile())) {
            for (String file : java.util.List.of("ui/selftest-ui.js", "ui/selftest-ui.css", "ui/selftest-boot.js")) {
                assertThat(jar.getEntry(file)).as(file).isNotNull();
            }
            // the views that load them
            Path plugin = extract("WEB-INF/lib/supervised-selftest.jar");
            try (JarFile pluginJar = new JarFile(plugin.toFile())) {
                for (String view : java.util.List.of("SelfTestBuildAction/summary.jelly", "SelfTestBuildAction/index.jelly",
                        "SelfTestJobAction/floatingBox.jelly", "SelfTestJobAction/index.jelly",
                        "SupervisedServicesAction/summary.jelly")) {
                    assertThat(pluginJar.getEntry("io/jenkins/plugins/selftest/actions/" + view)).as(view).isNotNull();
                }
            }
        }
    }

    private static Path extract(String entry) throws IOException {
        Path out = tmp.resolve(Path.of(entry).getFileName());
        try (JarFile jar = new JarFile(hpi.toFile()); InputStream in = jar.getInputStream(jar.getEntry(entry))) {
            Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }
}
