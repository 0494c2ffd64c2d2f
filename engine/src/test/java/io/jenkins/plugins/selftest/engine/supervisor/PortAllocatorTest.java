package io.jenkins.plugins.selftest.engine.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortAllocatorTest {

    @TempDir
    Path dir;

    private PortAllocator of(String block) {
        return new PortAllocator(dir, io.jenkins.plugins.selftest.engine.container.RunOwner.current().orElseThrow()
                .environmentValue(), block);
    }

    @Test
    void twoBlocksNeverGetTheSamePortWhileTheyHoldThem() throws IOException {
        PortAllocator a = of("/ws/a@tmp/supervised-1");
        PortAllocator b = of("/ws/b@tmp/supervised-2");
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(seen.add((i % 2 == 0 ? a : b).allocate())).isTrue();
        }
        assertThat(seen).allSatisfy(p -> assertThat(p).isBetween(PortAllocator.FIRST, PortAllocator.LAST));
        assertThat(Files.list(dir).filter(f -> !f.getFileName().toString().startsWith(".")).count()).isEqualTo(200);
    }

    @Test
    void aPortInUseIsNotGivenAndAReleasedOneIsFreeAgain() throws IOException {
        PortAllocator a = of("/a");
        int p = a.allocate();
        try (ServerSocket busy = new ServerSocket(p)) {
            assertThat(PortAllocator.bindable(p)).isFalse();
        }
        assertThat(of("/b").reclaim(p)).as("held by a live owner of another block").isFalse();
        assertThat(of("/a").reclaim(p)).as("the same block takes it back (a resume)").isTrue();
        a.release(p);
        assertThat(Files.exists(dir.resolve(Integer.toString(p)))).isFalse();
        assertThat(of("/b").reclaim(p)).isTrue();
        a.release(p);
        assertThat(Files.exists(dir.resolve(Integer.toString(p)))).as("another block's is not released").isTrue();
    }

    @Test
    void aReservationOfAGoneOwnerIsReclaimed() throws IOException {
        PortAllocator a = of("/a");
        int p = a.allocate();
        Files.writeString(dir.resolve(Integer.toString(p)), "owner=999999999:1@" + io.jenkins.plugins.selftest.engine.container.RunOwner
                .current().orElseThrow().host() + "\nblock=/gone\n");
        assertThat(of("/b").reclaim(p)).isTrue();
        assertThat(Files.readString(dir.resolve(Integer.toString(p)))).contains("block=/b");
    }
}
