package io.jenkins.plugins.selftest.engine.history;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only history of runs: one {@link RunRecord} per line of a JSON-lines file.
 *
 * <p>Loading tolerates a truncated or garbled line (a run killed mid-write): the line is skipped and named in
 * {@link #problems()}. Appending writes one whole line with a single write and forces it to disk.
 * Not thread-safe; one process appends at a time.
 */
public final class RunHistory {

    private final Path file;
    private final List<RunRecord> records;
    private final List<String> problems;

    private RunHistory(Path file, List<RunRecord> records, List<String> problems) {
        this.file = file;
        this.records = new ArrayList<>(records);
        this.problems = List.copyOf(problems);
    }

    /** Reads {@code jsonl}; a missing file is an empty history. */
    public static RunHistory load(Path jsonl) throws IOException {
        // TODO(4b): implementation
        return new RunHistory(jsonl, List.of(), List.of());
    }

    /** Appends {@code r} as one line (creating the file and its directory) and to {@link #records()}. */
    public void append(RunRecord r) throws IOException {
        // TODO(4b): implementation
        records.add(r);
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
