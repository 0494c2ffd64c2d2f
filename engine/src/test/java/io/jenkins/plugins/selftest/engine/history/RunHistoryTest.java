package io.jenkins.plugins.selftest.engine.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunHistoryTest {

    @TempDir
    Path tmp;

    static RunRecord record(int i) {
        return RunRecord.builder("run-" + i, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * i))
                .runtimeSeconds(10 + i)
                .tests(20, 17, 1, 1, 1)
                .coverage(Optional.of(0.8), Optional.of(0.75), Optional.empty())
                .shards(List.of(new ShardRecord(0, 10, 9, 1, 0, 5.5, ShardOutcome.FAILED),
                        new ShardRecord(1, 10, 8, 1, 1, 6.0, ShardOutcome.TIMEOUT)))
                .orphans(3, 1, 2)
                .containers(1, 1)
                .complete(i % 2 == 0)
                .classDurations(Map.of("a.ATest", 1.5, "b.BTest", 2.25))
                .build();
    }

    @Test
    void appendsAndReloadsRecordsIntact() throws IOException {
        Path file = tmp.resolve("state/history.jsonl");
        RunHistory h = RunHistory.load(file);
        assertThat(h.records()).isEmpty();

        h.append(record(1));
        h.append(record(2));

        assertThat(Files.readAllLines(file)).hasSize(2);
        RunHistory again = RunHistory.load(file);
        assertThat(again.records()).containsExactly(record(1), record(2));
        assertThat(again.problems()).isEmpty();
        assertThat(again.records().get(0).branchCoverage()).isEmpty();
        assertThat(again.records().get(0).complete()).isFalse();
    }

    @Test
    void truncatedLastLineIsSkippedAndTheNextAppendStartsOnANewLine() throws IOException {
        Path file = tmp.resolve("history.jsonl");
        RunHistory h = RunHistory.load(file);
        h.append(record(1));
        h.append(record(2));
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() - 40)); // killed mid-write

        RunHistory torn = RunHistory.load(file);
        assertThat(torn.records()).containsExactly(record(1));
        assertThat(torn.problems()).singleElement().asString().contains("history.jsonl:2").contains("interrupted");

        torn.append(record(3));
        RunHistory repaired = RunHistory.load(file);
        assertThat(repaired.records()).containsExactly(record(1), record(3));
        assertThat(repaired.problems()).hasSize(1);
    }

    @Test
    void garbageLinesAreSkippedAndUnknownFieldsIgnored() throws IOException {
        Path file = tmp.resolve("history.jsonl");
        Files.writeString(file, "not json\n\n{\"runId\":\"old\",\"startedAt\":\"2025-01-01T00:00:00Z\",\"passed\":3,\"futureField\":1}\n",
                StandardCharsets.UTF_8);

        RunHistory h = RunHistory.load(file);

        assertThat(h.problems()).singleElement().asString().contains(":1:");
        RunRecord old = h.records().get(0);
        assertThat(old.passed()).isEqualTo(3);
        assertThat(old.lineCoverage()).isEmpty();
        assertThat(old.shards()).isEmpty();
        assertThat(old.classDurations()).isEmpty();
        assertThat(old.complete()).as("a boolean missing from an old record reads as false").isFalse();
    }

    @Test
    void damagedLinesAreSkippedEachNamedOnceAndTheNextRunAppendsAndReadsOn() throws IOException {
        Path file = tmp.resolve("history.jsonl");
        RunHistory.load(file).append(record(1));
        byte[] whole = Files.readAllBytes(file);
        byte[] line = (Json.write(RunRecord.builder("run-\u00e9t\u00e9", Instant.parse("2026-01-02T00:00:00Z")).build())
                + "\n").getBytes(StandardCharsets.UTF_8);
        int cut = indexOf(line, (byte) 0xC3) + 1; // disk full in the middle of the two bytes of "\u00e9"
        Files.write(file, java.util.Arrays.copyOf(line, cut), StandardOpenOption.APPEND);
        RunHistory.load(file).append(record(2)); // the run after the disk filled up
        Files.write(file, "null\n\n   \n\u0001\u0002garbage\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        Files.write(file, whole, StandardOpenOption.APPEND);

        RunHistory h = RunHistory.load(file);

        assertThat(h.records()).containsExactly(record(1), record(2), record(1));
        assertThat(h.problems()).hasSize(3);
        assertThat(h.problems().get(0)).startsWith(file + ":2: ").contains("not UTF-8");
        assertThat(h.problems().get(1)).startsWith(file + ":4: ").contains("not a run record");
        assertThat(h.problems().get(2)).startsWith(file + ":7: ");
        h.append(record(3));
        assertThat(RunHistory.load(file).records()).containsExactly(record(1), record(2), record(1), record(3));
    }

    @Test
    void aLineLongerThanTheBoundIsSkippedWithoutBeingRead() throws IOException {
        Path file = tmp.resolve("history.jsonl");
        String huge = "{\"runId\":\"" + "x".repeat(RunHistory.MAX_LINE_BYTES) + "\",\"startedAt\":\"2026-01-01T00:00:00Z\"}\n";
        Files.writeString(file, huge + Json.write(record(1)) + "\n");

        RunHistory h = RunHistory.load(file);

        assertThat(h.records()).containsExactly(record(1));
        assertThat(h.problems()).singleElement().asString().startsWith(file + ":1: ").contains("longer than");
    }

    /** Issue #10, item 12: a run of 200,000 test classes wrote a 4 MB history line. */
    @Test
    void aRecordKeepsTheLongestClassDurationsOnlySoItsLineStaysSmall() throws IOException {
        Map<String, Double> durations = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 50_000; i++) {
            durations.put("com.example.generated.deeply.nested.pkg.GeneratedTest" + i, i / 1000.0);
        }
        durations.put("x".repeat(RunRecord.MAX_CLASS_NAME_CHARS + 1), 999.0);
        Path file = tmp.resolve("history.jsonl");

        RunHistory.load(file).append(RunRecord.builder("big", Instant.parse("2026-01-01T00:00:00Z"))
                .classDurations(durations).build());

        assertThat(Files.size(file)).isLessThan(RunHistory.MAX_LINE_BYTES);
        Map<String, Double> kept = RunHistory.load(file).records().get(0).classDurations();
        assertThat(kept).hasSize(RunRecord.MAX_CLASS_DURATIONS)
                .containsEntry("com.example.generated.deeply.nested.pkg.GeneratedTest49999", 49.999)
                .doesNotContainKey("com.example.generated.deeply.nested.pkg.GeneratedTest0");
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("no byte " + b);
    }

    @Test
    void nonUtf8FileIsAClearError() throws IOException {
        Path file = Files.write(tmp.resolve("history.jsonl"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
        assertThatThrownBy(() -> RunHistory.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("history.jsonl").hasMessageContaining("--history");
    }

    @Test
    void appendingToAnUnwritablePlaceNamesTheFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dir-not-file"));
        RunHistory h = RunHistory.load(tmp.resolve("missing.jsonl"));
        RunHistory onDir = RunHistory.load(dir.resolve("x.jsonl"));
        Files.createDirectories(dir.resolve("x.jsonl"));
        assertThatThrownBy(() -> onDir.append(record(1))).isInstanceOf(IOException.class).hasMessageContaining("x.jsonl");
        assertThat(h.records()).isEmpty();
    }

    @Test
    void appendedLinesAreWholeLines() throws IOException {
        Path file = tmp.resolve("h.jsonl");
        RunHistory h = RunHistory.load(file);
        for (int i = 0; i < 50; i++) {
            h.append(record(i));
        }
        Files.writeString(file, "", StandardOpenOption.APPEND);
        assertThat(Files.readString(file)).endsWith("}\n");
        assertThat(RunHistory.load(file).records()).hasSize(50);
    }
}
