package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.junit.JUnitParser;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a shard left in its reports directory, read on the machine where the shards are merged: its JUnit results and
 * its JaCoCo exec files. Immutable.
 *
 * @param tests     parsed with the one JUnit parser; {@link TestSuiteResult#EMPTY} when there is no directory
 * @param execFiles {@code *.exec}, sorted
 */
public record ShardReports(TestSuiteResult tests, List<Path> execFiles) {

    /** Nothing: a shard that never ran. */
    public static final ShardReports NONE = new ShardReports(TestSuiteResult.EMPTY, List.of());

    public ShardReports {
        execFiles = List.copyOf(execFiles);
    }

    /** Reads a shard's reports directory, here after the shard ran, or wherever its reports were collected to. */
    public static ShardReports read(Path reports) {
        TestSuiteResult tests = Files.isDirectory(reports) ? JUnitParser.parse(List.of(reports)) : TestSuiteResult.EMPTY;
        return new ShardReports(tests, execFiles(reports));
    }

    private static List<Path> execFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".exec")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
