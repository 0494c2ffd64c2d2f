package io.jenkins.plugins.selftest.engine.history;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only history of runs: one {@link RunRecord} per line of a JSON-lines file.
 *
 * <p>Loading tolerates a truncated or garbled line (a run killed mid-write, a disk that filled up in the middle of a
 * character, a {@code null}, a line longer than {@link #MAX_LINE_BYTES}): the line is skipped and named in
 * {@link #problems()}, every other record is kept, and the next append works. Appending writes one whole line with a
 * single write and forces it to disk; when the file ends in a torn line, a newline is written first so the new
 * record is never glued to the broken one. Unknown fields are ignored and missing ones take neutral defaults, so
 * older and newer files stay readable.
 *
 * <p>Not thread-safe; one process appends at a time (the run lock serializes runs).
 */
public final class RunHistory {

    /** Upper bound of a history line, written or read: a record is at most a few hundred kB
     * ({@link RunRecord#MAX_CLASS_DURATIONS}). */
    public static final int MAX_LINE_BYTES = 1024 * 1024;

    private final Path file;
    private final List<RunRecord> records;
    private final List<String> problems;

    private RunHistory(Path file, List<RunRecord> records, List<String> problems) {
        this.file = file;
        this.records = new ArrayList<>(records);
        this.problems = List.copyOf(problems);
    }

    /**
     * Reads {@code jsonl}; a missing file is an empty history. Each damaged line (not UTF-8, as when the disk filled
     * up in the middle of a character; not JSON; not a record, such as {@code null}; longer than
     * {@link #MAX_LINE_BYTES}, skipped unread) is left out and named once in {@link #problems()}.
     *
     * @throws IOException when the file exists but cannot be read at all, or is no history file (no record, and a
     *                     first line that neither is UTF-8 nor starts as a record does)
     */
    public static RunHistory load(Path jsonl) throws IOException {
        List<RunRecord> records = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean foreign = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(jsonl))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int number = 0;
            boolean more = true;
            while (more) {
                line.reset();
                long length = 0;
                int b;
                while ((b = in.read()) >= 0 && b != '\n') {
                    if (++length <= MAX_LINE_BYTES) {
                        line.write(b);
                    }
                }
                more = b >= 0;
                number++;
                String where = jsonl + ":" + number + ": ";
                if (length > MAX_LINE_BYTES) {
                    problems.add(where + "history line longer than " + MAX_LINE_BYTES + " bytes skipped");
                    continue;
                }
                byte[] bytes = line.toByteArray();
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
                } catch (CharacterCodingException e) {
                    foreign |= number == 1 && (bytes.length == 0 || bytes[0] != '{');
                    problems.add(where + "history record skipped, not UTF-8 - a run was probably interrupted"
                            + " (disk full?) while writing it");
                    continue;
                }
                if (text.isBlank()) {
                    continue;
                }
                try {
                    RunRecord r = Json.read(text, RunRecord.class);
                    if (r == null) {
                        problems.add(where + "history line skipped, not a run record (JSON null or no object)");
                    } else {
                        records.add(r);
                    }
                } catch (RuntimeException e) {
                    problems.add(where + "unreadable history record skipped (" + firstLine(e.getMessage())
                            + ") - a run was probably interrupted while writing it");
                }
            }
        } catch (NoSuchFileException e) {
            return new RunHistory(jsonl, List.of(), List.of());
        }
        if (foreign && records.isEmpty()) {
            throw new IOException(jsonl + " is not a UTF-8 JSON-lines history file - check the --history path");
        }
        return new RunHistory(jsonl, records, problems);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Appends {@code r} as one line (creating the file and its directory) and to {@link #records()}. */
    public void append(RunRecord r) throws IOException {
        byte[] line = (Json.write(r) + "\n").getBytes(StandardCharsets.UTF_8);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer out;
            if (size > 0 && !endsWithNewline(ch, size)) {
                out = ByteBuffer.allocate(line.length + 1).put((byte) '\n').put(line);
                out.flip();
            } else {
                out = ByteBuffer.wrap(line);
            }
            long pos = size;
            while (out.hasRemaining()) {
                pos += ch.write(out, pos);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new IOException("cannot append the run record to the history " + file + ": " + e.getMessage()
                    + " - check that the file is writable and the disk not full", e);
        }
        records.add(r);
    }

    private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        return last.get(0) == '\n';
    }

    /** The records, oldest first (a snapshot). */
    public List<RunRecord> records() {
        return List.copyOf(records);
    }

    /** Lines that could not be read, each naming the file and line number. */
    public List<String> problems() {
        return problems;
    }

    public Path file() {
        return file;
    }
}
