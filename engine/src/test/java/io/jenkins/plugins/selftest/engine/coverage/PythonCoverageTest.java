package io.jenkins.plugins.selftest.engine.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonCoverageTest {

    /** coverage.py 6.5's JSON for a file with a docstring line 1 executed but no statement, a loop arc, a partial. */
    private static String shard(String executed, String missing, String executedArcs, String missingArcs,
                                int statements, int branches) {
        return "{\"meta\":{\"version\":\"6.5.0\"},\"files\":{\"src/pkg/mod.py\":{\"executed_lines\":[" + executed
                + "],\"missing_lines\":[" + missing + "],\"excluded_lines\":[],\"executed_branches\":[" + executedArcs
                + "],\"missing_branches\":[" + missingArcs + "],\"summary\":{\"num_statements\":" + statements
                + ",\"num_branches\":" + branches + "}}}}";
    }

    @Test
    void combinesLikeCoverageCombineWhatEveryShardMissedStaysMissing(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("src/pkg"));
        Files.writeString(tmp.resolve("src/pkg/__init__.py"), "");
        Files.writeString(tmp.resolve("src/pkg/mod.py"), "\"\"\"doc <b>\"\"\"\ndef f(x):\n    if x:\n"
                + "        return 1\n    return 2\n");
        // shard 0 never imported the module; shard 1 ran f(True) only (line 1 listed although no statement)
        Path a = Files.writeString(tmp.resolve("coverage-0.json"), shard("", "2,3,4,5", "", "[3,4],[3,5]", 4, 2));
        Path b = Files.writeString(tmp.resolve("coverage-1.json"), shard("1,2,3,4", "5", "[3,4],[4,4]", "[3,5]", 4, 2));

        CoverageSummary c = PythonCoverage.aggregate(List.of(a, b), tmp, PythonSources.detect(tmp, List.of()),
                Optional.of(tmp.resolve("report")));

        assertThat(c.line()).isEqualTo(new Counter(3, 1));
        assertThat(c.branch()).isEqualTo(new Counter(1, 1));
        assertThat(c.clazz()).isEqualTo(new Counter(1, 0));
        assertThat(c.coveredClasses()).containsExactly("pkg.mod");
        assertThat(c.packages()).singleElement().satisfies(p -> assertThat(p.name()).isEqualTo("pkg"));
        assertThat(c.language()).isEqualTo("python");
        String page = Files.readString(tmp.resolve("report/python-coverage/f0.html"));
        assertThat(page).contains("&quot;&quot;&quot;doc &lt;b&gt;").doesNotContain("<b>")
                .contains("<tr class=\"par\" id=\"l3\">").contains("never jumped to line 5")
                .contains("<tr class=\"mis\" id=\"l5\">");
    }

    @Test
    void aBadDataFileIsANamedWarningAndTheOthersStillCount(@TempDir Path tmp) throws Exception {
        Path notJson = Files.writeString(tmp.resolve("coverage-0.json"), "<xml/>");
        Path notCoverage = Files.writeString(tmp.resolve("coverage-1.json"), "{\"totals\":{}}");
        Path badLine = Files.writeString(tmp.resolve("coverage-2.json"), shard("\"x\"", "", "", "", 1, 0));
        Path good = Files.writeString(tmp.resolve("coverage-3.json"), shard("2", "3", "", "", 2, 0));

        CoverageSummary c = PythonCoverage.aggregate(List.of(notJson, notCoverage, badLine, good), tmp,
                new PythonSources(List.of("src"), List.of("src")), Optional.empty());

        assertThat(c.line()).isEqualTo(new Counter(1, 1));
        assertThat(c.warnings()).hasSize(3).allSatisfy(w -> assertThat(w).contains("coverage-").contains("skipped"));
    }

    @Test
    void sourceRootsAreSrcOrTheTopLevelPackagesOrTheGivenOnesInsideTheWorkspace(@TempDir Path ws) throws Exception {
        Files.createDirectories(ws.resolve("lib/inner"));
        Files.writeString(ws.resolve("lib/__init__.py"), "");
        Files.writeString(ws.resolve("lib/inner/__init__.py"), "");
        Files.createDirectories(ws.resolve("tests"));
        Files.writeString(ws.resolve("tests/__init__.py"), "");

        PythonSources flat = PythonSources.detect(ws, List.of());
        PythonSources given = PythonSources.detect(ws, List.of(ws.resolve("lib/inner")));

        assertThat(flat.targets()).containsExactly("lib");
        assertThat(flat.moduleOf("lib/inner/__init__.py")).contains("lib.inner");
        assertThat(given.importRoots()).containsExactly("");
        assertThat(given.moduleOf("lib/inner/x.py")).contains("lib.inner.x");
        assertThat(given.moduleOf("lib/y.py")).isEmpty();
        assertThatThrownBy(() -> PythonSources.detect(ws, List.of(ws.resolve("../elsewhere"))))
                .hasMessageStartingWith("coverageSources: '").hasMessageContaining("leads out of the workspace");
        Files.createDirectories(ws.resolve("src/app"));
        Files.writeString(ws.resolve("src/app/m.py"), "");
        assertThat(PythonSources.detect(ws, List.of()).moduleOf("src/app/m.py")).contains("app.m");
    }
}
