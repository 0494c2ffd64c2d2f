package io.jenkins.plugins.selftest.engine.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the compiled keeper is put before it runs: a directory only this user can write to, the binary whole, written
 * once. (That it runs, and runs like keeper.pl, is KeeperIT's.)
 */
class KeeperBinaryTest {

    @TempDir
    Path tmp;

    private byte[] binary;
    private Path dir;

    @BeforeEach
    void theBuildMadeOne() throws Exception {
        try (InputStream in = KeeperBinary.class.getResourceAsStream(KeeperBinary.RESOURCE)) {
            assertThat(in).as("the build compiles %s (cc is part of the build machine's setup)", KeeperBinary.RESOURCE).isNotNull();
            binary = in.readAllBytes();
        }
        dir = tmp.resolve("selftest-" + Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    @Test
    void itIsWrittenWholeIntoADirectoryOnlyThisUserCanWriteToAndOnlyOnce() throws Exception {
        Path file = KeeperBinary.install(tmp).file().orElseThrow();

        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(file.getFileName().toString()).as("named by the id the build wrote: its SHA-256's start")
                .isEqualTo("selftest-keeper-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(binary)).substring(0, 16));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rwx------");
        assertThat(Files.readAllBytes(file)).isEqualTo(binary);
        assertThat(Files.list(dir)).as("no partial file left").containsExactly(file);

        FileTime written = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, written);
        assertThat(KeeperBinary.install(tmp).file()).contains(file);
        assertThat(Files.getLastModifiedTime(file)).as("the one that is there is run").isEqualTo(written);
    }

    @Test
    void aFileCutShortIsWrittenAgain() throws Exception {
        Path file = KeeperBinary.install(tmp).file().orElseThrow();
        Files.write(file, new byte[] {0x7f, 'E', 'L', 'F'});

        assertThat(KeeperBinary.install(tmp).file()).contains(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(binary);
    }

    @Test
    void aFileThatLostItsExecuteBitGetsItBack() throws Exception {
        Path file = KeeperBinary.install(tmp).file().orElseThrow();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThat(KeeperBinary.install(tmp).file()).contains(file);
        assertThat(Files.isExecutable(file)).isTrue();
    }

    @Test
    void aTemporaryDirectoryMountedNoexecIsRefusedSayingWhy() throws Exception {
        Path mounted = Files.createDirectory(tmp.resolve("noexec"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "noexec,size=4m", "tmpfs", mounted.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes());
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "a tmpfs can be mounted here: " + said);
        try {
            KeeperBinary.Installed installed = KeeperBinary.install(mounted);
            assertThat(installed.file()).isEmpty();
            assertThat(installed.why()).isEqualTo("the compiled keeper cannot be run from " + mounted.resolve(dir.getFileName())
                    + " (mounted noexec?)");
        } finally {
            new ProcessBuilder("umount", mounted.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aDirectoryOthersCanWriteToOrALinkIsRefusedSayingWhy() throws Exception {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        KeeperBinary.Installed shared = KeeperBinary.install(tmp);
        assertThat(shared.file()).isEmpty();
        assertThat(shared.why()).isEqualTo(dir + " is not a directory that only this user (uid "
                + Files.getAttribute(Path.of("/proc/self"), "unix:uid") + ") can write to");
        assertThat(Files.list(dir)).as("nothing written there").isEmpty();

        Files.delete(dir);
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(dir, elsewhere);
        assertThat(KeeperBinary.install(tmp).file()).isEmpty();
        assertThat(Files.list(elsewhere)).as("nothing written through the link").isEmpty();
    }
}
