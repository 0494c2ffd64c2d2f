package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.fixture.Fixtures;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.orphans.OrphanOptions;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gather(): extra exec files (of tests run outside the shards) are merged with the shards' own; coverage off. */
class SelfTestRunGatherTest {

    @TempDir
    Path ws;

    @Test
    void extraExecFilesCountForCoverage() throws Exception {
        Path classes = Fixtures.copyClasses(Fixtures.APP, ws.resolve("target/classes"));
        Fixtures.recordExec(classes, Fixtures.MAIN, ws.resolve("target/jacoco-it.exec"));
        ShardPlan plan = new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest"), 1, 0, 1)), 1, List.of());
        ShardResult shard = new ShardResult(0, 1, List.of("a.ATest"), ShardOutcome.OK, Optional.of(0), 1.0, 0, 0, 0, 0,
                0, 0, List.of(), Optional.empty(), "local processes");

        RunSummary without = new SelfTestRun(options().reportDir(ws.resolve("report-1")).build())
                .gather(plan, List.of(shard), Instant.now(), 1, "local processes", 0, List.of(), RunListener.NONE);
        RunSummary with = new SelfTestRun(options().reportDir(ws.resolve("report-2"))
                .extraExecFiles(List.of(Path.of("target/jacoco-it.exec"), Path.of("target/missing.exec"))).build())
                .gather(plan, List.of(shard), Instant.now(), 1, "local processes", 0, List.of(), RunListener.NONE);

        assertThat(without.coverage().line().total()).isZero();
        assertThat(with.coverage().line().covered()).isPositive();
        assertThat(with.toRecord().lineCoverage()).isPresent();
    }

    @Test
    void coverageOffLeavesCoverageOutOfTheResultsAndReportsButNotOutOfTheOrphans() throws Exception {
        Path classes = Fixtures.copyClasses(Fixtures.APP, ws.resolve("target/classes"));
        Fixtures.recordExec(classes, Fixtures.MAIN, ws.resolve("target/jacoco-it.exec"));
        Path tests = Fixtures.copyClasses(Fixtures.APP_TEST, ws.resolve("target/test-classes"));
        ShardPlan plan = new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest"), 1, 0, 1)), 1, List.of());
        ShardResult shard = new ShardResult(0, 1, List.of("a.ATest"), ShardOutcome.OK, Optional.of(0), 1.0, 0, 0, 0, 0,
                0, 0, List.of(), Optional.empty(), "local processes");
        SelfTestOptions.Builder b = options().extraExecFiles(List.of(Path.of("target/jacoco-it.exec")))
                .testClassDirs(List.of(tests)).orphans(OrphanOptions.DEFAULTS);

        RunSummary on = new SelfTestRun(b.reportDir(ws.resolve("on")).build())
                .gather(plan, List.of(shard), Instant.now(), 1, "local processes", 0, List.of(), RunListener.NONE);
        RunSummary off = new SelfTestRun(b.reportDir(ws.resolve("off")).coverage(false).build())
                .gather(plan, List.of(shard), Instant.now(), 1, "local processes", 0, List.of(), RunListener.NONE);

        assertThat(on.toRecord().lineCoverage()).isPresent();
        assertThat(on.artifacts()).contains("jacoco/index.html", "index.html");
        assertThat(off.coverage()).isEqualTo(CoverageSummary.NO_COVERAGE);
        assertThat(off.toRecord().lineCoverage()).isEmpty();
        assertThat(off.artifacts()).contains("index.html").noneMatch(a -> a.startsWith("jacoco"));
        assertThat(ws.resolve("off/jacoco")).doesNotExist();
        assertThat(off.orphans()).as("orphans tell covered from uncovered by the exec files still")
                .isEqualTo(on.orphans());
    }

    @Test
    void aTinyExecFileClaimingAHugeBlockIsSkippedAndTheRunStillWritesItsReportAndHistory() throws Exception {
        Path classes = Fixtures.copyClasses(Fixtures.APP, ws.resolve("target/classes"));
        Fixtures.recordExec(classes, Fixtures.MAIN, ws.resolve("target/jacoco-it.exec"));
        // 27 bytes: JaCoCo's header, then an execution-data block (id, name "a/Huge") whose probe array claims
        // 2^31 - 1 entries: JaCoCo's reader allocates it before reading and dies of OutOfMemoryError
        ByteBuffer crafted = ByteBuffer.allocate(27).put((byte) 0x01).putChar((char) 0xC0C0).putChar((char) 0x1007)
                .put((byte) 0x11).putLong(42).putShort((short) 6).put("a/Huge".getBytes(StandardCharsets.US_ASCII))
                .put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
        Path huge = Files.write(ws.resolve("target/huge.exec"), crafted.array());
        ShardPlan plan = new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest"), 1, 0, 1)), 1, List.of());
        ShardResult shard = new ShardResult(0, 1, List.of("a.ATest"), ShardOutcome.OK, Optional.of(0), 1.0, 0, 0, 0, 0,
                0, 0, List.of(), Optional.empty(), "local processes");
        Path history = ws.resolve("history.jsonl");

        RunSummary run = new SelfTestRun(options().reportDir(ws.resolve("report")).history(history)
                .extraExecFiles(List.of(Path.of("target/huge.exec"), Path.of("target/jacoco-it.exec"))).build())
                .gather(plan, List.of(shard), Instant.now(), 1, "local processes", 0, List.of(), RunListener.NONE);

        assertThat(Files.size(huge)).isEqualTo(27);
        assertThat(run.problems()).contains("coverage: " + huge + ": not a JaCoCo exec file (block at byte 5 claims "
                + "2147483647 probes, more than the 0 bytes left hold); skipped");
        assertThat(run.coverage().line().covered()).as("the good exec file still counts").isPositive();
        assertThat(ws.resolve("report/index.html")).isRegularFile();
        assertThat(Files.readAllLines(history)).hasSize(1);
    }

    /** Issue #10, item 8: a history line cut in the middle of a UTF-8 character made every later run exit 2. */
    @Test
    void aDamagedHistoryLineIsNamedOnceAndTheRunStillAppendsItsOwn() throws Exception {
        Path history = ws.resolve("history.jsonl");
        byte[] torn = "{\"runId\":\"caf\u00e9".getBytes(StandardCharsets.UTF_8);
        Files.write(history, java.util.Arrays.copyOf(torn, torn.length - 1)); // disk full after the first byte of é
        Files.writeString(history, "\nnull\n", java.nio.file.StandardOpenOption.APPEND);
        ShardPlan plan = new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest"), 1, 0, 1)), 1, List.of());
        ShardResult shard = new ShardResult(0, 1, List.of("a.ATest"), ShardOutcome.OK, Optional.of(0), 1.0, 0, 0, 0, 0,
                0, 0, List.of(), Optional.empty(), "local processes");
        List<String> notes = new java.util.ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
        Files.createDirectories(ws.resolve("tests"));
        Files.writeString(ws.resolve("tests/test_a.py"), "def test_a():\n    pass\n");
        SelfTestRun run = new SelfTestRun(options().reportDir(ws.resolve("report")).history(history)
                .paths(List.of("tests/*.py")).build());

        assertThat(run.plan().allTests()).as("planned from the damaged history").isNotEmpty();
        RunSummary summary = run.gather(plan, List.of(shard), Instant.now(), 1, "local processes", 0, List.of(), listener);

        assertThat(summary.problems()).noneMatch(p -> p.contains("history"));
        assertThat(notes).hasSize(2);
        assertThat(notes.get(0)).startsWith(history + ":1: ").contains("not UTF-8");
        assertThat(notes.get(1)).startsWith(history + ":2: ").contains("not a run record");
        assertThat(io.jenkins.plugins.selftest.engine.history.RunHistory.load(history).records())
                .extracting(r -> r.runId()).containsExactly(summary.runId());
    }

    private SelfTestOptions.Builder options() {
        return SelfTestOptions.builder(ws).framework(Framework.CUSTOM).command("true")
                .mainClassDirs(List.of(Path.of("target/classes"))).sourceDirs(List.of()).orphans(OrphanOptions.DISABLED);
    }
}
