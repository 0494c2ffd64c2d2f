package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Where one shard's files are: {@code <reportDir>/shards/shard-<index>/} with {@code tests.txt}, {@code shard.log},
 * {@code reports/} (JUnit XML, JaCoCo exec files) and, for a shard run on its own, {@value ShardResult#FILE_NAME}.
 * The one place that knows this layout; a directory copied to another machine keeps it.
 */
public record ShardDirectory(Path dir) {

    /** The directory of all shards, relative to a report directory. */
    public static final String SHARDS = "shards";

    /** Upper bound of a {@code shard.json}: a result is a few kB (its problems, its test classes). */
    public static final long MAX_RESULT_BYTES = 16L * 1024 * 1024;

    /** The directory of shard {@code index} of the run whose reports go to {@code reportDir}. */
    public static ShardDirectory of(Path reportDir, int index) {
        return new ShardDirectory(reportDir.resolve(SHARDS).resolve("shard-" + index));
    }

    /** The shard's {@code SELFTEST_REPORTS_DIR}. */
    public Path reports() {
        return dir.resolve("reports");
    }

    /** The shard's combined output. */
    public Path log() {
        return dir.resolve("shard.log");
    }

    /** Appends a line of selftest's own to the shard's log, {@code selftest: shard N: <line>}, before its output. */
    void logLine(int index, String line) throws IOException {
        Files.writeString(log(), "selftest: shard " + index + ": " + line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The shard's {@code SELFTEST_TESTS_FILE}: one test id a line. */
    public Path testsFile() {
        return dir.resolve("tests.txt");
    }

    public Path resultFile() {
        return dir.resolve(ShardResult.FILE_NAME);
    }

    /** Empties the directory of an earlier run of the shard and writes its {@code tests} file. */
    void prepare(List<String> tests) throws IOException {
        WorkspaceFiles.deleteTree(dir);
        Files.createDirectories(reports());
        Files.write(testsFile(), tests);
    }

    /** Keeps {@code result} beside the reports, for a merge elsewhere. */
    public void writeResult(ShardResult result) throws IOException {
        Json.writeAtomically(resultFile(), result);
    }

    /**
     * The result kept here, empty when there is none.
     *
     * @throws IOException when the file is larger than {@link #MAX_RESULT_BYTES} (not read), not JSON, or no result
     */
    public Optional<ShardResult> readResult() throws IOException {
        Path f = resultFile();
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        if (Files.size(f) > MAX_RESULT_BYTES) {
            throw new IOException(f + " is larger than " + MAX_RESULT_BYTES + " bytes, not read");
        }
        ShardResult r = Json.read(f, ShardResult.class);
        if (r == null) {
            throw new IOException(f + " holds no shard result (JSON null)");
        }
        return Optional.of(r);
    }
}
