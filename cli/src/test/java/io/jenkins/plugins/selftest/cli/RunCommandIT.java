package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run, report and the exit codes, in-process, with real shard processes. */
class RunCommandIT {

    @Test
    void passingRunExitsZeroAndPrintsWhereTheReportIs(@TempDir Path tmp) throws Exception {
        Path ws = Cli.workspace(tmp.resolve("ws"), 3);
        Cli.Result r = Cli.run("run", ws.toString(), "--framework", "custom", "--command", Cli.WRITE_JUNIT,
                "--history", tmp.resolve("h.jsonl").toString(), "--report-dir", tmp.resolve("report").toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 tests, 3 passed, 0 failed").contains("as local processes")
                .contains("HTML report: " + tmp.resolve("report/index.html"));
        assertThat(r.err()).contains("shard 0 ok").contains("shard 1 ok");
        assertThat(tmp.resolve("report/index.html")).exists();
        assertThat(Files.readAllLines(tmp.resolve("h.jsonl"))).hasSize(1);
    }

    @Test
    void pytestRunSaysTestFilesAndPrintsPythonCoverageAndOrphanModules(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("/usr/bin/python3", "-c", "import pytest_cov")
                .start().waitFor() == 0, "needs python3-pytest-cov (scripts/setup-machine.sh)");
        Path ws = io.jenkins.plugins.selftest.engine.fixture.Fixtures.pytestProject(tmp.resolve("ws"));
        Cli.Result r = Cli.run("run", ws.toString(), "--framework", "pytest", "--shards", "2",
                "--env", "SELFTEST_PYTHON=/usr/bin/python3", "--history", tmp.resolve("h.jsonl").toString(),
                "--report-dir", tmp.resolve("report").toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("selftest: 3 test files in 2 shard(s)").doesNotContain("test classes");
        assertThat(r.out()).contains("13 tests, 11 passed, 1 failed, 0 errors, 1 skipped")
                .containsPattern("coverage: line \\d+\\.\\d%, branch \\d+\\.\\d%\\n")
                .doesNotContain("instruction")
                .contains("orphan modules: 2 (0 covered indirectly, 2 not covered)");
    }

    @Test
    void testFailuresExitOneAndAreListed(@TempDir Path tmp) throws Exception {
        Path ws = Cli.workspace(tmp.resolve("ws"), 2);
        Files.writeString(ws.resolve("tests/test_FAILING.py"), "");
        Cli.Result r = Cli.run("run", ws.toString(), "--framework", "custom", "--command", Cli.WRITE_JUNIT,
                "--history", tmp.resolve("h.jsonl").toString(), "--report-dir", tmp.resolve("report").toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("1 failed").contains("FAILED test_FAILING.ok: on purpose");
    }

    @Test
    void badPathIsASetupErrorWithOneLine(@TempDir Path tmp) {
        Cli.Result r = Cli.run("run", tmp.resolve("missing").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("is not a directory");
    }

    @Test
    void missingRuntimeIsASetupError(@TempDir Path tmp) throws Exception {
        Path ws = Cli.workspace(tmp.resolve("ws"), 1);
        Cli.Result r = Cli.run("run", ws.toString(), "--framework", "custom", "--command", "true", "--use-container",
                "--container-runtime", "/nonexistent/docker", "--report-dir", tmp.resolve("r").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("is not installed");
    }

    @Test
    void anImageArchiveThatIsMissingOrNoImageIsOneSetupLineNamingTheOption(@TempDir Path tmp) throws Exception {
        Cli.assumePodman();
        Path ws = Cli.workspace(tmp.resolve("ws"), 1);
        Files.writeString(ws.resolve("garbage.tar"), "not an image");
        Cli.Result missing = Cli.run("run", ws.toString(), "--framework", "custom", "--command", "true",
                "--use-container", "--image-archive", ws.resolve("images/none.tar").toString(), "--report-dir",
                tmp.resolve("r").toString());
        Cli.Result garbage = Cli.run("run", ws.toString(), "--framework", "custom", "--command", "true",
                "--use-container", "--image-archive", ws.resolve("garbage.tar").toString(), "--report-dir",
                tmp.resolve("r").toString());

        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("selftest run: --image-archive: image archive " + ws.resolve("images/none.tar")
                + " does not exist: give the path of a file written by 'podman save' or 'docker save'\n");
        assertThat(garbage.exit()).isEqualTo(2);
        assertThat(garbage.err()).startsWith("selftest run: --image-archive: podman load -i " + ws.resolve("garbage.tar")
                + " failed: Error: ").endsWith(" (give an archive written by 'podman save' or 'docker save')\n")
                .hasLineCount(1);
    }

    @Test
    void badImageIsASetupError(@TempDir Path tmp) throws Exception {
        Cli.assumePodman();
        Path ws = Cli.workspace(tmp.resolve("ws"), 1);
        Cli.Result r = Cli.run("run", ws.toString(), "--framework", "custom", "--command", "true", "--use-container",
                "--container-image", "localhost/no-such-image:nope", "--report-dir", tmp.resolve("r").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("localhost/no-such-image:nope").contains("build-test-image.sh");
    }

    @Test
    void reportRewritesThePageFromTheHistory(@TempDir Path tmp) throws Exception {
        Path ws = Cli.workspace(tmp.resolve("ws"), 2);
        String history = tmp.resolve("h.jsonl").toString();
        Cli.run("run", ws.toString(), "--framework", "custom", "--command", Cli.WRITE_JUNIT, "--history", history,
                "--report-dir", tmp.resolve("report").toString());
        Files.delete(tmp.resolve("report/index.html"));

        Cli.Result r = Cli.run("report", "--history", history, "--report-dir", tmp.resolve("report").toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 run(s)");
        assertThat(tmp.resolve("report/index.html")).exists();
        assertThat(Cli.run("report", "--history", tmp.resolve("none.jsonl").toString()).exit()).isEqualTo(2);
    }

    @Test
    void runScheduledAppendsOneRecordPerCycle(@TempDir Path tmp) throws Exception {
        Path ws = Cli.workspace(tmp.resolve("ws"), 2);
        Cli.Result r = Cli.run("run-scheduled", ws.toString(), "--interval", "1s", "--max-cycles", "2", "--framework",
                "custom", "--command", Cli.WRITE_JUNIT, "--history", tmp.resolve("h.jsonl").toString(),
                "--report-dir", tmp.resolve("report").toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("h.jsonl"))).hasSize(2);
        assertThat(r.err()).contains("cycle 1").contains("cycle 2");
    }

    @Test
    void fallbackToLocalRunsLocalProcessesWhenTheRuntimeDoesNotWorkAndSaysSo(@TempDir Path tmp) throws Exception {
        Path ws = Cli.workspace(tmp.resolve("ws"), 2);
        Cli.Result r = Cli.run("run", ws.toString(), "--framework", "custom", "--command", Cli.WRITE_JUNIT, "--use-container",
                "--fallback-to-local", "--container-runtime", "/nonexistent/podman", "--report-dir", tmp.resolve("r").toString(),
                "--history", tmp.resolve("h.jsonl").toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("containers unavailable, running shards as local processes").contains("not installed");
        assertThat(r.out()).contains("as local processes");
    }
}
