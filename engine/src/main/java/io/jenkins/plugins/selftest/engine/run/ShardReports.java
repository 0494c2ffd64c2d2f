package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.junit.JUnitParser;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.report.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a shard left in its reports directory, read on the machine where the shards are merged: its JUnit results,
 * its JaCoCo exec files and, for pytest, its coverage.py report and coverage problem. Immutable.
 *
 * @param tests            parsed with the one JUnit parser; {@link TestSuiteResult#EMPTY} when there is no directory
 * @param execFiles        {@code *.exec}, sorted
 * @param coverageData     coverage.py JSON reports ({@code coverage-*.json}), sorted
 * @param coverageProblems the line the shard's script wrote when it could not measure coverage (no pytest-cov ...)
 */
public record ShardReports(TestSuiteResult tests, List<Path> execFiles, List<Path> coverageData,
                           List<String> coverageProblems) {

    /** Nothing: a shard that never ran. */
    public static final ShardReports NONE = new ShardReports(TestSuiteResult.EMPTY, List.of(), List.of(), List.of());

    /** The most of a shard's coverage problem file that is read. */
    static final int MAX_PROBLEM_BYTES = 4096;

    public ShardReports {
        execFiles = List.copyOf(execFiles);
        coverageData = List.copyOf(coverageData);
        coverageProblems = List.copyOf(coverageProblems);
    }

    /** Reads a shard's reports directory, here after the shard ran, or wherever its reports were collected to. */
    public static ShardReports read(Path reports) {
        TestSuiteResult tests = Files.isDirectory(reports) ? JUnitParser.parse(List.of(reports)) : TestSuiteResult.EMPTY;
        return new ShardReports(tests, files(reports, "", ".exec"), files(reports, PythonCoverage.DATA_PREFIX, ".json"),
                problem(reports.resolve(PythonCoverage.PROBLEM_FILE)));
    }

    private static List<Path> files(Path dir, String prefix, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> problem(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            String text = new String(in.readNBytes(MAX_PROBLEM_BYTES), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? List.of() : List.of(LogText.line(text.lines().findFirst().orElse(text)));
        } catch (IOException e) {
            return List.of(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
