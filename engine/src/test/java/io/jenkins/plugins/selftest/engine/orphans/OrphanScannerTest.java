package io.jenkins.plugins.selftest.engine.orphans;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.coverage.CoverageAggregator;
import io.jenkins.plugins.selftest.engine.coverage.CoverageInput;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.fixture.Fixtures;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixture app: the test names Calculator (and Reflected, by string); Formatter is reached through Calculator;
 * Main and Unused are named by nothing; Legacy and LegacyHelper only through Main; CycleA and CycleB only by each
 * other. The coverage run executed Main, Calculator, Formatter and Legacy.
 */
class OrphanScannerTest {

    private static final String APP = Fixtures.APP + ".";

    @TempDir
    Path tmp;

    private Path main;
    private Path tests;
    private CoverageSummary coverage;

    @BeforeEach
    void fixture() throws Exception {
        main = Fixtures.copyClasses(Fixtures.APP, tmp.resolve("classes"));
        tests = Fixtures.copyClasses(Fixtures.APP_TEST, tmp.resolve("test-classes"));
        Path exec = Fixtures.recordExec(main, Fixtures.MAIN, tmp.resolve("jacoco.exec"));
        coverage = CoverageAggregator.aggregate(new CoverageInput(List.of(exec), List.of(main), List.of()), Optional.empty());
    }

    private static OrphanOptions options(boolean recursive) {
        return new OrphanOptions(true, true, false, recursive, Optional.empty());
    }

    @Test
    void findsClassesNoTestReferencesCrossedWithCoverage() throws IOException {
        OrphanReport r = OrphanScanner.scan(List.of(main), List.of(tests), options(false), coverage);

        assertThat(r.problems()).isEmpty();
        assertThat(r.orphans()).containsExactly(
                new Orphan(APP + "CycleA", false, false),
                new Orphan(APP + "CycleB", false, false),
                new Orphan(APP + "Main", false, true),
                new Orphan(APP + "Unused", false, false));
        assertThat(r.total()).isEqualTo(4);
        assertThat(r.covered()).isEqualTo(1);
        assertThat(r.uncovered()).isEqualTo(3);
    }

    @Test
    void recursiveAddsClassesReachableOnlyThroughOrphans() throws IOException {
        OrphanReport r = OrphanScanner.scan(List.of(main), List.of(tests), options(true), coverage);

        assertThat(r.orphans()).containsExactly(
                new Orphan(APP + "CycleA", false, false),
                new Orphan(APP + "CycleB", false, false),
                new Orphan(APP + "Legacy", true, true),
                new Orphan(APP + "LegacyHelper", true, false),
                new Orphan(APP + "Main", false, true),
                new Orphan(APP + "Unused", false, false));
        assertThat(r.orphans()).extracting(Orphan::className)
                .as("reached from a tested class, named by string, or nested in a tested class")
                .doesNotContain(APP + "Formatter", APP + "Reflected", APP + "Calculator", APP + "Calculator$Mode");
    }

    @Test
    void withoutTestsEveryClassNoOtherClassNamesIsAnOrphan() throws IOException {
        OrphanReport r = OrphanScanner.scan(List.of(main), List.of(), options(false), CoverageSummary.NO_COVERAGE);
        assertThat(r.orphans()).extracting(Orphan::className).as("Calculator is still named by Main")
                .containsExactly(APP + "CycleA", APP + "CycleB", APP + "Main", APP + "Reflected", APP + "Unused");
        assertThat(r.covered()).isZero();
    }

    @Test
    void readsClassesFromJars() throws IOException {
        Path jar = tmp.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(main)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry(main.relativize(f).toString()));
                out.write(Files.readAllBytes(f));
            }
        }
        OrphanReport fromJar = OrphanScanner.scan(List.of(jar), List.of(tests), options(true), coverage);
        assertThat(fromJar).isEqualTo(OrphanScanner.scan(List.of(main), List.of(tests), options(true), coverage));
    }

    @Test
    void disabledGivesNoReport() throws IOException {
        assertThat(OrphanScanner.scan(List.of(main), List.of(tests), OrphanOptions.DISABLED, coverage))
                .isSameAs(OrphanReport.NONE);
    }

    @Test
    void savedListIsReusedUntilRefreshed() throws IOException {
        Path saved = tmp.resolve("state/orphans.json");
        OrphanOptions withList = options(false).withSavedList(saved);
        OrphanReport first = OrphanScanner.scan(List.of(main), List.of(tests), withList, coverage);
        assertThat(saved).exists();

        // without tests a scan would find Reflected too; the saved list is used instead
        OrphanReport reused = OrphanScanner.scan(List.of(main), List.of(), withList, CoverageSummary.NO_COVERAGE);
        assertThat(reused.orphans()).extracting(Orphan::className).isEqualTo(first.orphans().stream().map(Orphan::className).toList());
        assertThat(reused.covered()).as("coverage is that of the current run").isZero();

        Files.delete(main.resolve(Fixtures.APP.replace('.', '/') + "/Unused.class"));
        OrphanReport pruned = OrphanScanner.scan(List.of(main), List.of(tests), withList, coverage);
        assertThat(pruned.orphans()).extracting(Orphan::className).doesNotContain(APP + "Unused").contains(APP + "Main");

        OrphanOptions refresh = new OrphanOptions(true, true, true, false, Optional.of(saved));
        OrphanReport rescanned = OrphanScanner.scan(List.of(main), List.of(), refresh, coverage);
        assertThat(rescanned.orphans()).extracting(Orphan::className).contains(APP + "Reflected");
        assertThat(Files.readString(saved)).contains(APP + "Reflected");
    }

    @Test
    void noDiscoveryAndNoSavedListGivesNoOrphans() throws IOException {
        OrphanOptions off = new OrphanOptions(true, false, false, true, Optional.of(tmp.resolve("absent.json")));
        assertThat(OrphanScanner.scan(List.of(main), List.of(tests), off, coverage).orphans()).isEmpty();
    }

    @Test
    void unreadableSavedListAndClassFilesAreProblems() throws IOException {
        Path saved = Files.writeString(tmp.resolve("orphans.json"), "{not json");
        Files.writeString(main.resolve("Broken.class"), "garbage");
        OrphanReport r = OrphanScanner.scan(List.of(main, tmp.resolve("missing")), List.of(tests),
                options(false).withSavedList(saved), coverage);
        assertThat(r.problems()).hasSize(3);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("Broken.class").contains("unreadable class file"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("missing").contains("compile"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("orphans.json").contains("saved orphan list"));
    }

    @Test
    void writesJsonAndEscapedHtml() throws IOException {
        OrphanReport r = new OrphanReport(List.of(new Orphan("a.B", false, true), new Orphan("a.<script>alert(1)</script>", true, false)),
                List.of("x \"quoted\" & <b>bold</b>"));
        Path dir = tmp.resolve("report");
        OrphanScanner.write(r, dir);

        @SuppressWarnings("unchecked")
        Map<String, Object> json = Json.read(dir.resolve("orphans.json"), Map.class);
        assertThat(json).containsEntry("total", 2).containsEntry("covered", 1).containsEntry("uncovered", 1);
        String html = Files.readString(dir.resolve("orphans.html"));
        assertThat(html).contains("a.&lt;script&gt;alert(1)&lt;/script&gt;", "x &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;")
                .doesNotContain("<script>", "<b>bold");
        assertThat(html).contains("2 in total, 1 covered indirectly, 1 not covered at all");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        // disable, discover, recursive -> enabled, discover, recursive
        "null,  null,  null,  true,  true,  true",
        "1,     null,  null,  false, true,  true",
        "TRUE,  0,     0,     false, false, false",
        "0,     yes,   off,   true,  true,  false",
        "maybe, '',    no,    true,  true,  false",
    })
    void environmentOverridesDefaults(String disable, String discover, String recursive,
                                      boolean enabled, boolean expectDiscover, boolean expectRecursive) {
        Map<String, String> env = new java.util.HashMap<>();
        if (disable != null) {
            env.put(OrphanOptions.ENV_DISABLE, disable);
        }
        if (discover != null) {
            env.put(OrphanOptions.ENV_DISCOVER, discover);
        }
        if (recursive != null) {
            env.put(OrphanOptions.ENV_RECURSIVE, recursive);
        }
        OrphanOptions o = OrphanOptions.fromEnvironment(env, OrphanOptions.DEFAULTS);
        assertThat(o.enabled()).isEqualTo(enabled);
        assertThat(o.discover()).isEqualTo(expectDiscover);
        assertThat(o.recursive()).isEqualTo(expectRecursive);
    }
}
