package io.jenkins.plugins.selftest.engine.coverage;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jacoco.core.data.ExecutionDataWriter;
import org.jacoco.core.tools.ExecFileLoader;

/**
 * One JaCoCo exec file, checked before JaCoCo reads it. JaCoCo's reader allocates what a block claims before
 * reading it, so a few bytes claiming a probe array of 2^31 entries end the JVM with {@code OutOfMemoryError}. The
 * check walks the blocks (header, session info, execution data) and finds the longest prefix of whole blocks whose
 * every claim fits in the file; only that prefix is handed to JaCoCo, so memory stays proportional to the file,
 * which is itself bounded to {@link #MAX_BYTES}.
 */
final class ExecFile {

    /** Upper bound of an exec file's size (real ones are a few MB: one bit per probe). */
    static final long MAX_BYTES = 256L * 1024 * 1024;

    private ExecFile() {
    }

    /**
     * Loads what can safely be read of {@code exec} into {@code loader}; a problem (starting with
     * {@code "coverage: <file>: "}) when the file is skipped or only partly read.
     */
    static Optional<String> load(Path exec, ExecFileLoader loader) {
        String name = "coverage: " + exec + ": ";
        try {
            long size = Files.size(exec);
            if (size > MAX_BYTES) {
                return Optional.of(name + "not read, " + size + " bytes is more than the " + MAX_BYTES
                        + " an exec file may have; skipped");
            }
            Scan scan = scan(exec, size);
            if (scan.damage().isEmpty()) {
                loader.load(exec.toFile());
                return Optional.empty();
            }
            if (!scan.data()) {
                return Optional.of(name + "not a JaCoCo exec file (" + scan.damage().get() + "); skipped");
            }
            try (InputStream in = Files.newInputStream(exec)) {
                loader.load(new ByteArrayInputStream(in.readNBytes((int) scan.valid())));
            }
            return Optional.of(name + "damaged JaCoCo exec file (" + scan.damage().get() + "); the data of its first "
                    + scan.valid() + " bytes is kept - re-run the tests to record it again");
        } catch (IOException | RuntimeException e) {
            return Optional.of(name + "unreadable JaCoCo exec file (" + e.getMessage() + "); skipped");
        }
    }

    /**
     * @param valid  bytes of whole, plausible blocks from the start
     * @param data   whether those bytes hold any session or execution data
     * @param damage what is wrong after them, empty when the whole file is valid
     */
    private record Scan(long valid, boolean data, Optional<String> damage) {
    }

    private static Scan scan(Path exec, long size) throws IOException {
        try (Counting counted = new Counting(new BufferedInputStream(Files.newInputStream(exec)));
             DataInputStream in = new DataInputStream(counted)) {
            long valid = 0;
            boolean data = false;
            while (true) {
                int type = in.read();
                if (type < 0) {
                    return new Scan(valid, data, Optional.empty());
                }
                if (valid == 0 && type != ExecutionDataWriter.BLOCK_HEADER) {
                    return new Scan(0, false, Optional.of("no JaCoCo header"));
                }
                try {
                    Optional<String> bad = block((byte) type, in, counted, valid, size);
                    if (bad.isPresent()) {
                        return new Scan(valid, data, bad);
                    }
                } catch (EOFException e) {
                    return new Scan(valid, data, Optional.of("block at byte " + valid + " cut short at byte " + size));
                } catch (java.io.UTFDataFormatException e) {
                    return new Scan(valid, data, Optional.of("block at byte " + valid + " has a malformed name"));
                }
                data |= type != ExecutionDataWriter.BLOCK_HEADER;
                valid = counted.count;
            }
        }
    }

    /** Reads one block after its type byte; what is wrong with it, if anything. */
    private static Optional<String> block(byte type, DataInputStream in, Counting counted, long start, long size)
            throws IOException {
        switch (type) {
            case ExecutionDataWriter.BLOCK_HEADER -> {
                if (in.readChar() != ExecutionDataWriter.MAGIC_NUMBER) {
                    return Optional.of("no JaCoCo header");
                }
                char version = in.readChar();
                if (version != ExecutionDataWriter.FORMAT_VERSION) {
                    return Optional.of(String.format("format version 0x%04x, this JaCoCo reads 0x%04x", (int) version,
                            (int) ExecutionDataWriter.FORMAT_VERSION));
                }
            }
            case ExecutionDataWriter.BLOCK_SESSIONINFO -> {
                in.readUTF();
                in.readLong();
                in.readLong();
            }
            case ExecutionDataWriter.BLOCK_EXECUTIONDATA -> {
                in.readLong();
                in.readUTF();
                Optional<Integer> probes = varInt(in);
                if (probes.isEmpty()) {
                    return Optional.of("block at byte " + start + " has a malformed probe count");
                }
                long bytes = (probes.get() + 7L) / 8;
                long left = size - counted.count;
                if (probes.get() < 0 || bytes > left) {
                    return Optional.of("block at byte " + start + " claims " + probes.get() + " probes, more than the "
                            + left + " bytes left hold");
                }
                in.skipNBytes(bytes);
            }
            default -> {
                return Optional.of(String.format("unknown block type 0x%02x at byte %d", type, start));
            }
        }
        return Optional.empty();
    }

    /**
     * JaCoCo's variable-length int (7 bits a byte, low first) with JaCoCo's int result; empty when it goes on past
     * the 5 bytes an int needs (JaCoCo reads those recursively, so a run of them overflows its stack).
     */
    private static Optional<Integer> varInt(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift <= 28; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return Optional.of((int) value);
            }
        }
        return Optional.empty();
    }

    private static final class Counting extends java.io.FilterInputStream {
        private long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
