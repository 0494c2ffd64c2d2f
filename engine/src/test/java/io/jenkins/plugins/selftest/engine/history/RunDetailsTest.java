package io.jenkins.plugins.selftest.engine.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.coverage.Counter;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PackageCoverage;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.Orphan;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDetailsTest {

    @TempDir
    Path tmp;

    @Test
    void survivesAWriteAndReadUnchanged() throws IOException {
        RunDetails d = new RunDetails(RunHistoryTest.record(4),
                new TestSuiteResult(List.of(new TestCaseResult("a.B", "c", 1.5, TestStatus.FAILED, false, Optional.of("m"),
                        Optional.empty(), Optional.of("out"), "TEST-a.B.xml")), List.of("p")),
                new CoverageSummary(new Counter(3, 1), new Counter(2, 2), Counter.EMPTY, new Counter(1, 0), new Counter(1, 0),
                        List.of(new PackageCoverage("a", new Counter(3, 1), new Counter(2, 2), Counter.EMPTY, new Counter(1, 0),
                                new Counter(1, 0))), Set.of("a.B"), List.of("w")),
                new OrphanReport(List.of(new Orphan("a.C", true, false)), List.of()));
        Path file = tmp.resolve("report/" + RunDetails.FILE_NAME);

        d.write(file);

        assertThat(RunDetails.read(file)).contains(d);
        assertThat(RunDetails.read(tmp.resolve("none.json"))).isEmpty();
    }

    @Test
    void unreadableFileNamesItself() throws IOException {
        Path file = Files.writeString(tmp.resolve("details.json"), "{\"record\":");
        assertThatThrownBy(() -> RunDetails.read(file)).isInstanceOf(IOException.class).hasMessageContaining("details.json");
    }
}
