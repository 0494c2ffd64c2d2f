package io.jenkins.plugins.selftest.engine.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void readsOnlyCompleteLinesFromAnOffset() throws Exception {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        Files.writeString(dir.file("events.jsonl"), "{\"a\":1}\n{\"b\":2}\n{\"c\":");

        ControlDirectory.Lines first = dir.readLines("events.jsonl", 0, 1024);
        Files.writeString(dir.file("events.jsonl"), "3}\n", StandardOpenOption.APPEND);
        ControlDirectory.Lines second = dir.readLines("events.jsonl", first.nextOffset(), 1024);

        assertThat(first.lines()).containsExactly("{\"a\":1}", "{\"b\":2}");
        assertThat(second.lines()).containsExactly("{\"c\":3}");
        assertThat(dir.readLines("events.jsonl", second.nextOffset(), 1024).lines()).isEmpty();
    }

    @Test
    void aLineLongerThanTheLimitIsStillReadWhole() throws Exception {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        Files.writeString(dir.file("e"), "x".repeat(5000) + "\n");

        assertThat(dir.readLines("e", 0, 100).lines()).singleElement().asString().hasSize(5000);
    }

    @Test
    void readingPastTheEndOfARotatedFileStartsOver() throws Exception {
        Path log = tmp.resolve("a.log");
        Files.writeString(log, "0123456789");
        long offset = ControlDirectory.readBytes(log, 0, 100).nextOffset();
        Files.writeString(log, "new\n");

        ControlDirectory.Chunk c = ControlDirectory.readBytes(log, offset, 100);

        assertThat(c.restarted()).isTrue();
        assertThat(c.text()).isEqualTo("new\n");
        assertThat(c.nextOffset()).isEqualTo(4);
        assertThat(ControlDirectory.readBytes(tmp.resolve("missing"), 7, 10).bytes()).isEmpty();
    }

    @Test
    void exitCodeCountsOnlyOnceCompletelyWritten() throws Exception {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        Files.writeString(dir.exitFile("api", 3), "13");
        Optional<Integer> partial = dir.readExitCode("api", 3);
        Files.writeString(dir.exitFile("api", 3), "137\n");

        assertThat(partial).isEmpty();
        assertThat(dir.readExitCode("api", 3)).contains(137);
        assertThat(dir.readExitCode("api", 4)).isEmpty();
    }

    @Test
    void theOwnerLockIsExclusive() throws Exception {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        assertThat(dir.locked()).isFalse();

        try (AutoCloseable lock = dir.tryLock().orElseThrow()) {
            assertThat(dir.tryLock()).isEmpty();
            assertThat(dir.locked()).isTrue();
        }
        assertThat(dir.locked()).isFalse();
    }

    @Test
    void heartbeatAgeAndStopRequest() throws Exception {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        assertThat(dir.heartbeatAge()).isEmpty();

        dir.touchHeartbeat();
        dir.requestStop("test");

        assertThat(dir.heartbeatAge()).get().matches(a -> a.compareTo(Duration.ofSeconds(5)) < 0);
        assertThat(dir.stopRequested()).isTrue();
        dir.clearStopRequest();
        assertThat(dir.stopRequested()).isFalse();
    }

    @Test
    void asyncWriterDropsAndCountsInsteadOfBlockingWhenItCannotWrite() throws Exception {
        // a directory where the file should be: every write fails, as on a full or broken disk
        Path notAFile = tmp.resolve("events.jsonl");
        Files.createDirectories(notAFile);
        try (AsyncLineWriter w = new AsyncLineWriter(notAFile, 8, "test-writer")) {
            long start = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                w.offer("line " + i);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            w.flush(Duration.ofSeconds(5));
            assertThat(w.dropped()).isEqualTo(10_000);
        }
    }
}
