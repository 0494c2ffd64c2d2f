package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11, items 1 and 3: {@code selftest run} on a real multi-module reactor (the engine's fixture
 * projects/reactor; MavenReactorIT compares it with plain {@code mvn test}: 26 tests, 1 failing, 1 skipped), with and
 * without source globs, and with build arguments.
 */
class ReactorRunIT {

    private static final Path FIXTURE = Path.of("..", "engine", "src", "test", "resources", "projects", "reactor")
            .toAbsolutePath().normalize();

    @Test
    void withoutGlobsEveryModulesTestsRun(@TempDir Path tmp) throws Exception {
        Path ws = copy(tmp.resolve("ws"));
        Cli.Result r = Cli.run("run", ws.toString(), "--shards", "2", "--history", tmp.resolve("h.jsonl").toString(),
                "--report-dir", tmp.resolve("report").toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(RunCommand.EXIT_FAILED);
        assertThat(r.out()).contains("26 tests, 24 passed, 1 failed, 0 errors, 1 skipped")
                .contains("FAILED org.example.reactor.ledger.audit.AuditorTest.sharesRoundHalfUp");
    }

    @Test
    void withSourceGlobsAndBuildArgumentsTheShardsFindTheirSiblingModules(@TempDir Path tmp) throws Exception {
        Path ws = copy(tmp.resolve("ws"));
        Cli.Result r = Cli.run("run", ws.toString(), "**/src/*/java/**/*Test.java", "--shards", "3",
                "--args", "-Pstrict -Dexpected.mode=strict", "--no-orphans",
                "--history", tmp.resolve("h.jsonl").toString(), "--report-dir", tmp.resolve("report").toString());

        assertThat(r.err()).doesNotContain("Could not find artifact");
        assertThat(r.out()).as(r.err()).contains("26 tests, 24 passed, 1 failed, 0 errors, 1 skipped");
    }

    private static Path copy(Path to) throws IOException {
        try (Stream<Path> files = Files.walk(FIXTURE)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = FIXTURE.relativize(f);
                if (rel.toString().contains("target")) {
                    continue;
                }
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to.resolve(rel.toString()));
                } else {
                    Files.copy(f, to.resolve(rel.toString()));
                }
            }
        }
        return to;
    }
}
