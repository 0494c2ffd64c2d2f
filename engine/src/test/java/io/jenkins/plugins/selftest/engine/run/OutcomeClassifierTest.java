package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a shard's exit, timeout, container trouble and reports decide its outcome and problems. */
class OutcomeClassifierTest {

    private static final Path LOG = Path.of("/r/shards/shard-3/shard.log");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static TestSuiteResult results(TestStatus... statuses) {
        return new TestSuiteResult(Arrays.stream(statuses).map(s -> new TestCaseResult("a.ATest", "t" + s, 0.5, s,
                false, Optional.empty(), Optional.empty(), Optional.empty(), "TEST-a.ATest.xml")).toList(), List.of());
    }

    private static OutcomeClassifier.Verdict classify(ShardExecution e, TestSuiteResult r, boolean aborted,
                                                      boolean inContainer) {
        return OutcomeClassifier.classify(3, e, r, aborted, inContainer, TIMEOUT, LOG, List.of("a.ATest"));
    }

    @Test
    void exitZeroWithPassingTestsIsOk() {
        OutcomeClassifier.Verdict v = classify(ShardExecution.of(Optional.of(0)), results(TestStatus.PASSED), false, false);

        assertThat(v.outcome()).isEqualTo(ShardOutcome.OK);
        assertThat(v.problems()).isEmpty();
    }

    @Test
    void failingTestsAreFailedWhateverTheExitCode() {
        OutcomeClassifier.Verdict v = classify(ShardExecution.of(Optional.of(1)),
                results(TestStatus.PASSED, TestStatus.ERROR), false, false);

        assertThat(v.outcome()).isEqualTo(ShardOutcome.FAILED);
        assertThat(v.problems()).isEmpty();
    }

    @Test
    void aNonZeroExitWithoutFailingTestsIsAnErrorPointingAtTheLog() {
        OutcomeClassifier.Verdict v = classify(ShardExecution.of(Optional.of(2)), results(TestStatus.PASSED), false, false);

        assertThat(v.outcome()).isEqualTo(ShardOutcome.ERROR);
        assertThat(v.problems()).containsExactly("shard 3 exited with 2 without failing tests; see " + LOG);
    }

    @Test
    void noResultsAtAllIsAnErrorEvenWithExitZero() {
        OutcomeClassifier.Verdict v = classify(ShardExecution.of(Optional.of(0)), TestSuiteResult.EMPTY, false, false);

        assertThat(v.outcome()).isEqualTo(ShardOutcome.ERROR);
        assertThat(v.problems()).containsExactly("shard 3 exited with 0 and left no JUnit results; see " + LOG);
    }

    @Test
    void aShardThatCouldNotStartIsAnErrorWithItsReason() {
        OutcomeClassifier.Verdict v = classify(ShardExecution.couldNotRun("shard 3 could not run: no such image"),
                TestSuiteResult.EMPTY, false, true);

        assertThat(v.outcome()).isEqualTo(ShardOutcome.ERROR);
        assertThat(v.problems()).containsExactly("shard 3 could not run: no such image",
                "shard 3 did not run and left no JUnit results; see " + LOG);
    }

    @Test
    void aTimeoutWinsOverFailuresAndCountsAsAContainerTimeoutOnlyInAContainer() {
        ShardExecution stopped = new ShardExecution(Optional.empty(), true, 1, List.of("cannot remove container x"));

        OutcomeClassifier.Verdict container = classify(stopped, results(TestStatus.FAILED), false, true);
        OutcomeClassifier.Verdict local = classify(stopped, results(TestStatus.FAILED), false, false);

        assertThat(container.outcome()).isEqualTo(ShardOutcome.TIMEOUT);
        assertThat(container.containerTimeouts()).isEqualTo(1);
        assertThat(container.containerFailures()).isEqualTo(1);
        assertThat(container.problems()).containsExactly("cannot remove container x",
                "shard 3 timed out after 90s and was stopped; see " + LOG);
        assertThat(local.outcome()).isEqualTo(ShardOutcome.TIMEOUT);
        assertThat(local.containerTimeouts()).isZero();
    }

    @Test
    void anAbortedShardIsAbortedWithoutProblemsOrCounts() {
        TestSuiteResult halfWritten = new TestSuiteResult(List.of(), List.of("TEST-a.xml: truncated"));
        ShardExecution stopped = new ShardExecution(Optional.empty(), true, 1, List.of("interrupted while copying"));

        OutcomeClassifier.Verdict v = classify(stopped, halfWritten, true, true);

        assertThat(v.outcome()).isEqualTo(ShardOutcome.ABORTED);
        assertThat(v.problems()).isEmpty();
        assertThat(v.containerFailures()).isZero();
        assertThat(v.containerTimeouts()).isZero();
    }

    @Test
    void theReportsOwnProblemsComeLast() {
        TestSuiteResult r = new TestSuiteResult(results(TestStatus.PASSED).cases(), List.of("TEST-b.xml: not XML"));

        OutcomeClassifier.Verdict v = classify(ShardExecution.of(Optional.of(0)), r, false, false);

        assertThat(v.outcome()).isEqualTo(ShardOutcome.OK);
        assertThat(v.problems()).containsExactly("TEST-b.xml: not XML");
    }

    @Test
    void aGivenClassThatLeftNoResultIsNamedWhateverTheOutcome() {
        List<String> given = List.of("a.ATest", "b.BTest", "c.CTest");
        TestSuiteResult onlyA = new TestSuiteResult(List.of(new TestCaseResult("a.ATest$Nested", "t", 0.1,
                TestStatus.FAILED, false, Optional.empty(), Optional.empty(), Optional.empty(), "TEST-a.ATest.xml")),
                List.of());

        OutcomeClassifier.Verdict v = OutcomeClassifier.classify(3, ShardExecution.of(Optional.of(0)), onlyA, false,
                false, TIMEOUT, LOG, given);

        assertThat(v.outcome()).isEqualTo(ShardOutcome.FAILED);
        assertThat(v.problems()).containsExactly("shard 3: 2 of its 3 test classes left no results, their tests are"
                + " missing from the counts (b.BTest, c.CTest); see " + LOG);
    }

    @Test
    void manyMissingClassesAreCountedNotAllNamed() {
        List<String> given = java.util.stream.IntStream.range(0, 9).mapToObj(i -> "p.T" + i).toList();

        List<String> line = OutcomeClassifier.unreported(0, given, results(TestStatus.PASSED), LOG);

        assertThat(line).singleElement().asString()
                .contains("9 of its 9 test classes", "p.T0, p.T1, p.T2, p.T3, p.T4 and 4 more");
        assertThat(OutcomeClassifier.unreported(0, List.of("a.ATest"), results(TestStatus.PASSED), LOG)).isEmpty();
    }
}
