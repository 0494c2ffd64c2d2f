package io.jenkins.plugins.selftest.engine.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.fixture.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** Aggregation of real exec files, recorded by running the fixture app instrumented by jacoco-core. */
class CoverageAggregatorTest {

    private static final String APP = Fixtures.APP;

    @TempDir
    Path tmp;

    private Path classes;
    private Path exec;

    @BeforeEach
    void recordRun() throws Exception {
        classes = Fixtures.copyClasses(APP, tmp.resolve("classes"));
        exec = Fixtures.recordExec(classes, Fixtures.MAIN, tmp.resolve("shard-0/jacoco.exec"));
    }

    private static Path sources() {
        return Path.of("src/test/java").toAbsolutePath();
    }

    @Test
    void computesOverallAndPackageCoverageFromRealExecData() throws IOException {
        CoverageSummary s = CoverageAggregator.aggregate(new CoverageInput(List.of(exec), List.of(classes), List.of()),
                Optional.empty());

        assertThat(s.warnings()).isEmpty();
        assertThat(s.clazz()).isEqualTo(new Counter(5, 5));
        assertThat(s.coveredClasses()).containsExactlyInAnyOrder(APP + ".Main", APP + ".Calculator",
                APP + ".Calculator$Mode", APP + ".Formatter", APP + ".Legacy");
        assertThat(s.branch().covered()).isPositive();
        assertThat(s.branch().missed()).as("b == 0 and verbose branches never ran").isPositive();
        assertThat(s.line().ratio()).isStrictlyBetween(0.5, 1.0);
        assertThat(s.instruction().total()).isGreaterThan(s.line().total());
        assertThat(s.packages()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo(APP);
            assertThat(p.instruction()).isEqualTo(s.instruction());
            assertThat(p.method()).isEqualTo(s.method());
        });
        assertThat(s.isEmpty()).isFalse();
    }

    @Test
    void mergesAllExecFilesIntoOneAnalysis() throws Exception {
        Path second = Fixtures.recordExec(classes, APP + ".LegacyHelper", "details", tmp.resolve("shard-1/jacoco.exec"), b -> b);

        CoverageSummary one = CoverageAggregator.aggregate(new CoverageInput(List.of(exec), List.of(classes), List.of()), Optional.empty());
        CoverageSummary both = CoverageAggregator.aggregate(new CoverageInput(List.of(exec, second), List.of(classes), List.of()), Optional.empty());

        assertThat(both.coveredClasses()).containsAll(one.coveredClasses()).contains(APP + ".LegacyHelper");
        assertThat(both.clazz()).isEqualTo(new Counter(6, 4));
        assertThat(both.instruction().covered()).isGreaterThan(one.instruction().covered());
        assertThat(both.instruction().total()).as("classes analysed once, not per exec file").isEqualTo(one.instruction().total());
    }

    @Test
    void writesJacocoHtmlAndXmlReportsWithSources() throws IOException {
        Path report = tmp.resolve("report");
        CoverageAggregator.aggregate(new CoverageInput(List.of(exec), List.of(classes), List.of(sources())), Optional.of(report));

        assertThat(report.resolve("jacoco/index.html")).content().contains(APP).doesNotContain("src=\"http");
        assertThat(report.resolve("jacoco/" + APP + "/index.html")).content().contains("Calculator", "Legacy", "Unused");
        assertThat(report.resolve("jacoco/" + APP + "/Calculator.java.html")).content().contains("undefined");
        assertThat(report.resolve("jacoco/jacoco-resources/report.css")).exists();
        String xml = Files.readString(report.resolve("jacoco.xml"));
        assertThat(xml).contains("<report name=\"coverage\">", "<sessioninfo", "<class name=\"" + APP.replace('.', '/') + "/Unused\"");
    }

    @Test
    void warnsAboutExecDataThatDoesNotMatchTheClasses() throws Exception {
        Path stale = Fixtures.recordExec(classes, Fixtures.MAIN, tmp.resolve("stale.exec"), Fixtures::recompiled);

        CoverageSummary s = CoverageAggregator.aggregate(new CoverageInput(List.of(stale), List.of(classes), List.of()),
                Optional.empty());

        assertThat(s.warnings()).singleElement().asString()
                .contains("5 class(es) do not match the execution data")
                .contains(APP + ".Calculator", APP + ".Main");
        assertThat(s.coveredClasses()).as("mismatched data is not counted").isEmpty();
        assertThat(s.instruction().covered()).isZero();
        assertThat(s.instruction().total()).isPositive();
    }

    @Test
    void warnsWhenNoExecDataBelongsToTheClasses() throws Exception {
        Path otherClasses = Fixtures.copyClasses(Fixtures.APP_TEST, tmp.resolve("other"));
        CoverageSummary s = CoverageAggregator.aggregate(new CoverageInput(List.of(exec), List.of(otherClasses), List.of()),
                Optional.empty());
        assertThat(s.warnings()).anySatisfy(w -> assertThat(w).matches("none of the \\d+ analysed classes ran in the tests"
                + " \\(the exec data holds 5 other classes\\): either the tests do not use the project's main code, or the"
                + " class directories are not those of the tested project"));
    }

    @Test
    void damagedExecFilesAreWarningsAndGoodDataIsKept() throws IOException {
        Path garbage = Files.writeString(tmp.resolve("garbage.exec"), "this is not jacoco data");
        byte[] good = Files.readAllBytes(exec);
        Path truncated = Files.write(tmp.resolve("truncated.exec"), Arrays.copyOf(good, good.length - 7));

        CoverageSummary s = CoverageAggregator.aggregate(
                new CoverageInput(List.of(garbage, truncated, exec, tmp.resolve("missing.exec")), List.of(classes), List.of()),
                Optional.empty());

        assertThat(s.warnings()).hasSize(3);
        assertThat(s.warnings().get(0)).contains("garbage.exec").contains("not a JaCoCo exec file (no JaCoCo header); skipped");
        assertThat(s.warnings().get(1)).contains("truncated.exec");
        assertThat(s.warnings().get(2)).contains("missing.exec");
        assertThat(s.clazz().covered()).isEqualTo(5);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // header, execution data block (id, name "a/B"), then the probe count
        "01c0c01007 11 000000000000002a 0003612f42 ffffffff07 | block at byte 5 claims 2147483647 probes, more than the 0 bytes left hold",
        "01c0c01007 11 000000000000002a 0003612f42 ffffffffffffffff | block at byte 5 has a malformed probe count",
        "01c0c01007 11 000000000000002a 0003612f42 80808080 | block at byte 5 cut short at byte 23",
        "01c0c01007 7f | unknown block type 0x7f at byte 5",
        "01c0c01006 | format version 0x1006, this JaCoCo reads 0x1007",
    })
    void anExecFileClaimingMoreThanItHoldsIsSkippedAndTheOthersCount(String hex, String reason) throws IOException {
        Path crafted = Files.write(tmp.resolve("crafted.exec"), HexFormat.of().parseHex(hex.replace(" ", "")));

        CoverageSummary s = CoverageAggregator.aggregate(new CoverageInput(List.of(crafted, exec), List.of(classes),
                List.of()), Optional.empty());

        assertThat(s.warnings()).containsExactly("coverage: " + crafted + ": not a JaCoCo exec file (" + reason
                + "); skipped");
        assertThat(s.clazz().covered()).isEqualTo(5);
    }

    @Test
    void missingClassDirectoryIsAWarning() throws IOException {
        CoverageSummary s = CoverageAggregator.aggregate(
                new CoverageInput(List.of(exec), List.of(tmp.resolve("no-classes"), classes), List.of()), Optional.empty());
        assertThat(s.warnings()).singleElement().asString().contains("no-classes").contains("does not exist");
        assertThat(s.clazz().total()).isEqualTo(10);
    }

    @Test
    void conflictingOrBrokenClassFilesCostOnlyThemselves() throws IOException {
        String calculator = APP.replace('.', '/') + "/Calculator.class";
        Path other = Files.createDirectories(tmp.resolve("other/" + APP.replace('.', '/')));
        Files.write(other.resolve("Calculator.class"), Fixtures.recompiled(Files.readAllBytes(classes.resolve(calculator))));
        Files.write(other.resolve("Broken.class"), new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 61, 1, 2, 3});

        CoverageSummary s = CoverageAggregator.aggregate(
                new CoverageInput(List.of(exec), List.of(classes, tmp.resolve("other")), List.of()), Optional.empty());

        assertThat(s.warnings()).containsExactly(
                "1 class(es) found more than once with different content, the first one found is used - pass each class"
                        + " directory only once: " + APP + ".Calculator",
                "1 class file(s) could not be analysed and are left out: " + APP.replace('.', '/') + "/Broken.class"
                        + s.warnings().get(1).substring(s.warnings().get(1).indexOf(" (")));
        assertThat(s.clazz()).as("the first directory's classes, with their coverage").isEqualTo(new Counter(5, 5));
        assertThat(s.coveredClasses()).contains(APP + ".Calculator");
    }

    @Test
    void parallelAnalysisGivesTheSameResultAsOneThread() throws IOException {
        // a library's classes as a directory: several hundred class files
        Path library = tmp.resolve("library");
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(Path.of(com.fasterxml.jackson.databind.ObjectMapper.class
                .getProtectionDomain().getCodeSource().getLocation().getPath()).toFile())) {
            for (java.util.zip.ZipEntry e : jar.stream().filter(e -> e.getName().endsWith(".class")
                    && !e.getName().startsWith("META-INF")).toList()) {
                Path to = library.resolve(e.getName());
                Files.createDirectories(to.getParent());
                try (var in = jar.getInputStream(e)) {
                    Files.copy(in, to);
                }
            }
        }
        CoverageInput in = new CoverageInput(List.of(exec), List.of(library, Fixtures.testClasses(), classes), List.of());
        try (var walk = Files.walk(library)) {
            assertThat(walk.count()).as("enough class files for several slices").isGreaterThan(4L * CoverageAggregator.MIN_SLICE);
        }

        CoverageSummary one = CoverageAggregator.aggregate(in, Optional.empty(), 1);
        CoverageSummary four = CoverageAggregator.aggregate(in, Optional.empty(), 4);

        assertThat(four).isEqualTo(one);
        assertThat(one.warnings()).as("the fixture app is both in test-classes and in classes: identical, no conflict").isEmpty();
        assertThat(one.coveredClasses()).contains(APP + ".Calculator");
        assertThat(one.packages().size()).isGreaterThan(10);
    }

    @Test
    void nothingToAnalyseIsEmptyCoverage() throws IOException {
        CoverageSummary s = CoverageAggregator.aggregate(new CoverageInput(List.of(), List.of(), List.of()), Optional.empty());
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.line().ratio()).isZero();
        assertThat(CoverageSummary.NO_COVERAGE.isEmpty()).isTrue();
    }
}
