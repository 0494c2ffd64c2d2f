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
        try (AsyncLineWriter w = new AsyncLineWriter(notAFile, 8, Duration.ZERO, "test-writer")) {
            long start = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                w.offer("line " + i);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            w.flush(Duration.ofSeconds(5));
            assertThat(w.dropped()).isEqualTo(10_000);
        }
    }

    @Test
    void theLineWriterGathersTheLinesOfABurstBeforeItWrites() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        try (AsyncLineWriter w = new AsyncLineWriter(file, 8, Duration.ofMillis(300), "test-writer")) {
            w.offer("first");
            Thread.sleep(100);
            w.offer("second \u00e9");
            w.offer("third \ud800 half a surrogate pair");
            assertThat(file).as("nothing is written while the batch lingers").doesNotExist();
            w.flush(Duration.ofSeconds(5));
            assertThat(Files.readAllLines(file)).as("UTF-8, what cannot be encoded as '?'")
                    .containsExactly("first", "second \u00e9", "third ? half a surrogate pair");
        }
    }

    @Test
    void aRespawnClaimStandsUntilReleasedOrTimedOut() throws Exception {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        Duration timeout = Duration.ofSeconds(60);

        Optional<ControlDirectory.RespawnClaim> first = dir.tryClaimRespawn("poll 1", timeout, t0);
        Optional<ControlDirectory.RespawnClaim> second = dir.tryClaimRespawn("poll 2", timeout, t0.plusSeconds(59));
        Optional<ControlDirectory.RespawnClaim> afterTimeout = dir.tryClaimRespawn("poll 3", timeout, t0.plusSeconds(60));

        assertThat(first).contains(new ControlDirectory.RespawnClaim("poll 1", t0));
        assertThat(second).as("a replacement is starting").isEmpty();
        assertThat(afterTimeout).as("the start failed: retry").contains(new ControlDirectory.RespawnClaim("poll 3", t0.plusSeconds(60)));
        assertThat(dir.respawnClaim()).isEqualTo(afterTimeout);

        dir.releaseRespawnClaim();

        assertThat(dir.respawnClaim()).isEmpty();
        assertThat(dir.tryClaimRespawn("poll 4", timeout, t0.plusSeconds(61))).isPresent();
    }

    @Test
    void ofSixConcurrentRespawnClaimsExactlyOneWins() throws Exception {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        for (int round = 0; round < 20; round++) {
            dir.releaseRespawnClaim();
            java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(6);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            try {
                java.util.List<java.util.concurrent.Future<Boolean>> wins = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String who = "poll " + i;
                    wins.add(pool.submit(() -> {
                        barrier.await();
                        // each through its own instance, as separate callables would
                        return new ControlDirectory(tmp).tryClaimRespawn(who, Duration.ofSeconds(60)).isPresent();
                    }));
                }
                int won = 0;
                for (var w : wins) {
                    won += w.get(30, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(won).as("round " + round).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aTornRespawnClaimCountsAsNone() throws Exception {
        ControlDirectory dir = new ControlDirectory(tmp).create();
        Files.writeString(dir.file(ControlDirectory.RESPAWN_CLAIM), "{\"claimant\":\"po");

        assertThat(dir.respawnClaim()).isEmpty();
        assertThat(dir.tryClaimRespawn("poll", Duration.ofSeconds(60))).isPresent();
    }
}
