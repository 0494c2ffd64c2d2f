package io.jenkins.plugins.selftest.engine.supervisor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Copy-truncate rotation of a log that a process writes directly (opened with {@code O_APPEND}, so after the
 * truncation its next write lands at the new end, offset 0). The process keeps its file descriptor, which is what
 * lets its output reach the log while no supervisor runs; the price is that lines written between the copy and the
 * truncation are lost, and that a writer faster than the check interval overshoots the cap until the next check.
 * Only the newest {@code maxBytes} are kept in {@code NAME.log.1}; anything before that is dropped and counted.
 *
 * <p>Stateless; callers must not rotate one file from two threads at once.
 */
final class LogRotation {

    private LogRotation() {
    }

    /**
     * Rotates {@code log}: {@code .log.(k)} becomes {@code .log.(k+1)} up to {@code keep}, the newest
     * {@code maxBytes} of the log become {@code .log.1}, and the log is truncated.
     *
     * @return bytes dropped (what was beyond {@code maxBytes}, or everything with {@code keep == 0})
     */
    static long rotate(Path log, long maxBytes, int keep) throws IOException {
        try (FileChannel src = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = src.size();
            long dropped;
            if (keep <= 0) {
                dropped = size;
            } else {
                for (int k = keep; k >= 1; k--) {
                    Path from = sibling(log, k);
                    if (Files.exists(from)) {
                        if (k == keep) {
                            Files.delete(from);
                        } else {
                            Files.move(from, sibling(log, k + 1), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                long from = Math.max(0, size - maxBytes);
                dropped = from;
                try (FileChannel dst = FileChannel.open(sibling(log, 1), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    long pos = from;
                    while (pos < size) {
                        long n = src.transferTo(pos, size - pos, dst);
                        if (n <= 0) {
                            break;
                        }
                        pos += n;
                    }
                }
            }
            src.truncate(0);
            return dropped;
        }
    }

    static Path sibling(Path log, int n) {
        return log.resolveSibling(log.getFileName() + "." + n);
    }
}
