package io.jenkins.plugins.selftest.engine.container;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A cross-process lock on a file (an OS file lock, released by the OS when the holder dies), to serialise container
 * runs of several selftest processes on one machine. Not reentrant; close it to release.
 */
public final class ContainerLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private ContainerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Waits up to {@code timeout} for the lock.
     *
     * @throws IOException naming the file when the lock was not obtained in time or the file cannot be opened
     */
    public static ContainerLock acquire(Path file, Duration timeout) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null; // held by this JVM
                }
                if (l != null) {
                    return new ContainerLock(ch, l);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("lock file " + file + " is held by another selftest run for more than "
                            + timeout.toSeconds() + "s: wait for it or remove the lock option");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            ch.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for lock file " + file, e);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
