package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.selftest.engine.container.Containers;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.fixture.Fixtures;
import io.jenkins.plugins.selftest.engine.history.RunHistory;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.json.DataBinding;
import io.jenkins.plugins.selftest.engine.junit.JUnitParser;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.Orphan;
import io.jenkins.plugins.selftest.engine.orphans.OrphanScanner;
import io.jenkins.plugins.selftest.engine.report.Chromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real pytest runs of a src-layout project (engine test resources, projects/pytest-src) in local and podman shards,
 * measured against a plain {@code pytest --cov --cov-branch} of the same project and coverage.py's own totals.
 */
class PytestCoverageIT {

    static final String PYTHON = "/usr/bin/python3";

    static Path copy(Path to) throws IOException {
        return Fixtures.pytestProject(to);
    }

    static void assumePytestCov() throws Exception {
        Process probe = new ProcessBuilder(PYTHON, "-c", "import pytest, pytest_cov, coverage, xdist")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assumeTrue(probe.waitFor(1, TimeUnit.MINUTES) && probe.exitValue() == 0,
                "needs python3-pytest, python3-pytest-cov, python3-coverage, python3-pytest-xdist (setup-machine.sh)");
    }

    static int run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("plain.log").toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        return p.exitValue();
    }

    /** What a plain pytest with coverage says of the project: its JUnit counts and coverage.py's JSON totals. */
    record Plain(TestSuiteResult tests, JsonNode totals) {
        static Plain of(Path ws) throws Exception {
            run(ws, PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "--cov=src", "--cov-branch", "--cov-report=",
                    "--junitxml=plain.xml");
            assertThat(run(ws, PYTHON, "-m", "coverage", "json", "-o", "plain.json")).isZero();
            JsonNode totals = DataBinding.mapper().readTree(ws.resolve("plain.json").toFile()).get("totals");
            return new Plain(JUnitParser.parse(List.of(ws.resolve("plain.xml"))), totals);
        }

        double lineRatio() {
            return totals.get("covered_lines").asDouble() / totals.get("num_statements").asDouble();
        }

        double branchRatio() {
            return totals.get("covered_branches").asDouble() / totals.get("num_branches").asDouble();
        }
    }

    static SelfTestOptions.Builder pytest(Path ws, Path out) {
        return SelfTestOptions.builder(ws).framework(Framework.PYTEST).shards(2).workers(2).prepare(false)
                .env(Framework.PYTHON, PYTHON).reportDir(out.resolve("report")).history(out.resolve("history.jsonl"));
    }

    @Test
    void localShardsCountAndMeasureLikeAPlainPytestWithCoverage(@TempDir Path tmp) throws Exception {
        assumePytestCov();
        Plain plain = Plain.of(copy(tmp.resolve("plain")));
        Path ws = copy(tmp.resolve("ws"));

        RunSummary s = new SelfTestRun(pytest(ws, tmp).build()).run(RunListener.NONE);

        assertThat(plain.tests().total()).isEqualTo(13);
        assertThat(s.tests().total()).isEqualTo(plain.tests().total());
        assertThat(s.tests().passed()).isEqualTo(plain.tests().passed()).isEqualTo(11);
        assertThat(s.tests().failed() + s.tests().errors()).isEqualTo(plain.tests().failed() + plain.tests().errors())
                .isEqualTo(1);
        assertThat(s.tests().skipped()).isEqualTo(plain.tests().skipped()).isEqualTo(1);
        assertThat(s.shards()).hasSize(2);
        assertEqualCoverage(s, plain);
        assertThat(s.coverage().language()).isEqualTo("python");
        assertThat(s.coverage().instruction().total()).isZero();
        assertThat(s.coverage().clazz().total()).as("modules").isEqualTo(9);
        assertThat(s.coverage().packages()).extracting(p -> p.name())
                .containsExactly("inventory", "inventory.pricing", "inventory.storage");

        assertThat(s.orphans().isPython()).isTrue();
        assertThat(s.orphans().orphans()).containsExactly(
                new Orphan("inventory.legacy_export", false, false),
                new Orphan("inventory.legacy_format", true, false));

        Path report = tmp.resolve("report");
        String index = Files.readString(report.resolve(PythonCoverage.HTML_DIR + "/index.html"));
        assertThat(index).contains("src/inventory/pricing/discounts.py", "inventory.pricing.discounts");
        assertThat(s.artifacts()).contains(PythonCoverage.HTML_DIR + "/index.html", OrphanScanner.HTML_FILE);
        assertThat(Files.readString(report.resolve(OrphanScanner.HTML_FILE)))
                .contains("Orphan modules", "not imported by any test file", "imported only by orphans");
        // the run's page, as a browser shows it: Python's columns and words
        Chromium.require();
        String dom = Chromium.window(1280, 2000).dom(report.resolve("index.html").toUri().toString());
        assertThat(dom).contains("Orphan modules (2)", "not imported by any test file", "imported only by orphans",
                        ">Modules<", "inventory.pricing", "Python coverage report")
                .doesNotContain(">Instructions<").doesNotContain("Orphan classes");
        RunRecord record = RunHistory.load(tmp.resolve("history.jsonl")).records().get(0);
        assertThat(record.lineCoverage()).hasValueSatisfying(v -> assertThat(v).isCloseTo(plain.lineRatio(), within(0.001)));
        assertThat(record.branchCoverage()).hasValueSatisfying(v -> assertThat(v).isCloseTo(plain.branchRatio(), within(0.001)));
        assertThat(record.instructionCoverage()).as("Python has no instructions: no 0 %% in the trend").isEmpty();
    }

    @Test
    void podmanShardsGiveTheSameCountsCoverageAndOrphansAsLocalOnes(@TempDir Path tmp) throws Exception {
        assumePytestCov();
        Containers.assumePodman();
        Plain plain = Plain.of(copy(tmp.resolve("plain")));
        Path ws = copy(tmp.resolve("ws"));
        String runId = "it-" + UUID.randomUUID().toString().substring(0, 8);

        RunSummary s = new SelfTestRun(pytest(ws, tmp).useContainer(true).runId(runId).build()).run(RunListener.NONE);

        assertThat(s.mode()).startsWith("podman containers");
        assertThat(s.containerFailures()).as(s.problems().toString()).isZero();
        assertThat(s.tests().total()).isEqualTo(plain.tests().total());
        assertThat(s.tests().passed()).isEqualTo(plain.tests().passed());
        assertThat(s.tests().skipped()).isEqualTo(plain.tests().skipped());
        assertEqualCoverage(s, plain);
        assertThat(s.orphans().orphans()).extracting(Orphan::className)
                .containsExactly("inventory.legacy_export", "inventory.legacy_format");
        assertThat(Containers.ofRun(runId)).isEmpty();
    }

    @Test
    void xdistWorkersInsideAShardMeasureTheSame(@TempDir Path tmp) throws Exception {
        assumePytestCov();
        Plain plain = Plain.of(copy(tmp.resolve("plain")));
        Path ws = copy(tmp.resolve("ws"));

        // one shard, three workers: pytest -n 3, pytest-cov combining its workers' data inside the shard
        RunSummary s = new SelfTestRun(pytest(ws, tmp).shards(1).workers(3).build()).run(RunListener.NONE);

        assertThat(Files.readString(ShardDirectory.of(tmp.resolve("report"), 0).log())).as("three xdist workers").contains("gw2 [13]");
        assertThat(s.tests().total()).isEqualTo(plain.tests().total());
        assertEqualCoverage(s, plain);
    }

    @Test
    void aPythonWithoutPytestCovRunsTheTestsAndSaysWhatToInstall(@TempDir Path tmp) throws Exception {
        // the pyenv python3 on CI machines' PATH has pytest but no pytest-cov: stand one in for it
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = bin.resolve("python-without-cov");
        Files.writeString(fake, "#!/bin/sh\nif [ \"$1\" = -c ]; then case \"$2\" in *pytest_cov*) exit 1;; esac; fi\n"
                + "exec " + PYTHON + " \"$@\"\n");
        fake.toFile().setExecutable(true);
        assumePytestCov();
        Path ws = copy(tmp.resolve("ws"));

        RunSummary s = new SelfTestRun(pytest(ws, tmp).env(Framework.PYTHON, fake.toString()).build())
                .run(RunListener.NONE);

        assertThat(s.tests().total()).as("the tests still ran").isEqualTo(13);
        assertThat(s.coverage().isEmpty()).isTrue();
        assertThat(s.problems()).filteredOn(p -> p.contains("pytest-cov")).hasSize(2)
                .allSatisfy(p -> assertThat(p).startsWith("pytest shard ")
                        .contains("has no pytest-cov", "python3-pytest-cov", Framework.PYTHON)
                        .doesNotContain("\n"));
    }

    /**
     * A shard whose test files' paths together are longer than Linux lets one argument be (128 KiB): written into the
     * shard's script they kept it from starting; read from the tests file they are arguments of their own. A large
     * suite in one shard, every test run once.
     */
    @Test
    void aShardWithMoreTestFilesThanOneArgumentCanHoldRunsThemAll(@TempDir Path tmp) throws Exception {
        assumePytestCov();
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        int files = 900;
        long pathChars = 0;
        for (int i = 0; i < files; i++) {
            Path dir = ws.resolve("tests/area_" + i % 10 + "_of_the_settlement_and_reconciliation_service_under_contract");
            String module = "test_reconciles_a_batch_of_payments_against_the_ledger_when_the_counterparty_is_late_" + i + ".py";
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(module), "def test_batch_" + i + "():\n    assert sum(range(" + i + ")) == "
                    + i * (i - 1) / 2 + "\n");
            pathChars += ws.relativize(dir.resolve(module)).toString().length() + 1;
        }
        assertThat(pathChars).as("longer than one argument may be").isGreaterThan(128 * 1024);

        RunSummary s = new SelfTestRun(pytest(ws, tmp).shards(1).workers(1).coverage(false).build()).run(RunListener.NONE);

        assertThat(s.shards()).singleElement().satisfies(shard -> assertThat(shard.tests()).hasSize(files));
        assertThat(s.tests().total()).as("%s", s.problems()).isEqualTo(files);
        assertThat(s.tests().passed()).isEqualTo(files);
    }

    private static void assertEqualCoverage(RunSummary s, Plain plain) {
        assertThat(s.coverage().line().total()).as("%s", s.problems()).isEqualTo(plain.totals().get("num_statements").asLong());
        assertThat(s.coverage().line().covered()).isEqualTo(plain.totals().get("covered_lines").asLong());
        assertThat(s.coverage().branch().total()).isEqualTo(plain.totals().get("num_branches").asLong());
        assertThat(s.coverage().branch().covered()).isEqualTo(plain.totals().get("covered_branches").asLong());
        assertThat(100 * s.coverage().line().ratio()).isCloseTo(100 * plain.lineRatio(), within(0.1));
        assertThat(100 * s.coverage().branch().ratio()).isCloseTo(100 * plain.branchRatio(), within(0.1));
    }
}
