package io.jenkins.plugins.selftest.engine.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.selftest.engine.fixture.Fixtures;
import io.jenkins.plugins.selftest.engine.json.DataBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The combination of shards' coverage.py reports against coverage.py's own {@code coverage combine}: three shards of
 * the pytest-src project (engine test resources) measured separately by real pytest-cov, combined by coverage.py and
 * by {@link PythonCoverage}, file by file.
 */
class PythonCoverageIT {

    private static final String PYTHON = "/usr/bin/python3";

    private static int run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("run.log").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return p.exitValue();
    }

    @Test
    void shardsCombineToWhatCoverageCombineReports(@TempDir Path tmp) throws Exception {
        assumeTrue(run(tmp, Map.of(), PYTHON, "-c", "import pytest_cov, coverage") == 0, "needs python3-pytest-cov");
        Path ws = Fixtures.pytestProject(tmp.resolve("ws"));
        Files.writeString(ws.resolve("rc"), "[run]\nbranch = True\nrelative_files = True\nsource =\n    src\n");
        // three shards: one never imports discounts.py, one never imports the storage package
        List<String> shards = List.of("tests/test_model.py", "tests/test_pricing.py", "tests/test_storage.py");
        List<Path> jsons = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            Map<String, String> env = Map.of("COVERAGE_FILE", ws.resolve(".coverage.shard" + i).toString());
            run(ws, env, PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "--cov", "--cov-branch", "--cov-report=",
                    "--cov-config=rc", shards.get(i));
            Path json = ws.resolve("coverage-" + i + ".json");
            assertThat(run(ws, env, PYTHON, "-m", "coverage", "json", "-q", "--rcfile=rc", "-o", json.toString()))
                    .isZero();
            jsons.add(json);
        }
        Map<String, String> combined = Map.of("COVERAGE_FILE", ws.resolve(".coverage").toString());
        assertThat(run(ws, combined, PYTHON, "-m", "coverage", "combine", "--rcfile=rc", "--keep")).isZero();
        assertThat(run(ws, combined, PYTHON, "-m", "coverage", "json", "-q", "--rcfile=rc", "-o", "combined.json"))
                .isZero();
        JsonNode expected = DataBinding.mapper().readTree(ws.resolve("combined.json").toFile());

        CoverageSummary ours = PythonCoverage.aggregate(jsons, ws, PythonSources.detect(ws, List.of()),
                Optional.of(tmp.resolve("report")));

        JsonNode totals = expected.get("totals");
        assertThat(ours.warnings()).isEmpty();
        assertThat(ours.line()).isEqualTo(new Counter(totals.get("covered_lines").asLong(),
                totals.get("missing_lines").asLong()));
        assertThat(ours.branch()).isEqualTo(new Counter(totals.get("covered_branches").asLong(),
                totals.get("missing_branches").asLong()));
        var merged = PythonCoverage.merge(jsons.stream().map(j -> {
            try {
                return PythonCoverage.read(j);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList());
        assertThat(merged.keySet()).containsExactlyElementsOf(iterable(expected.get("files").fieldNames()));
        expected.get("files").fields().forEachRemaining(e -> {
            JsonNode s = e.getValue().get("summary");
            PythonCoverage.FileData d = merged.get(e.getKey());
            assertThat(d.lines()).as(e.getKey()).isEqualTo(new Counter(s.get("covered_lines").asLong(),
                    s.get("missing_lines").asLong()));
            assertThat(d.branchCounter()).as(e.getKey()).isEqualTo(new Counter(s.get("covered_branches").asLong(),
                    s.get("missing_branches").asLong()));
            assertThat(d.partialLines()).as(e.getKey()).hasSize(s.get("num_partial_branches").asInt());
            assertThat(d.missing()).as(e.getKey()).containsExactlyElementsOf(ints(e.getValue().get("missing_lines")));
        });
        assertThat(tmp.resolve("report/" + PythonCoverage.HTML_DIR + "/index.html")).content()
                .contains("src/inventory/storage/warehouse.py");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l.stream().sorted().toList();
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asInt()));
        return l;
    }
}
