package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides how a shard ended, from what running it gave and the results it left. In this order: a shard of an aborted
 * run is {@code aborted} (stopped on purpose: neither its exit, nor a half-written report, nor a failed CLI call is
 * a problem); one stopped at the timeout is {@code timeout}; one with failing tests {@code failed}; one that did not
 * exit 0 or left no results {@code error}; else {@code ok}. A pure function.
 */
final class OutcomeClassifier {

    /**
     * The decision.
     *
     * @param containerTimeouts 1 when the shard's container was stopped at the timeout
     * @param problems          the execution's, the ones the decision found, then the results' own
     */
    record Verdict(ShardOutcome outcome, int containerFailures, int containerTimeouts, List<String> problems) {
        Verdict {
            problems = List.copyOf(problems);
        }
    }

    private OutcomeClassifier() {
    }

    /**
     * @param execution   what running the shard gave
     * @param results     the shard's JUnit results
     * @param aborted     the run was aborted while the shard ran
     * @param inContainer the shard ran in a container (its timeout is a container timeout)
     * @param timeout     the shard's timeout, for the message
     * @param log         the shard's log, where the messages send people
     */
    static Verdict classify(int index, ShardExecution execution, TestSuiteResult results, boolean aborted,
                            boolean inContainer, Duration timeout, Path log) {
        if (aborted) {
            return new Verdict(ShardOutcome.ABORTED, 0, 0, List.of());
        }
        List<String> problems = new ArrayList<>(execution.problems());
        int timeouts = 0;
        ShardOutcome outcome;
        if (execution.timedOut()) {
            problems.add("shard " + index + " timed out after " + timeout.toSeconds() + "s and was stopped; see " + log);
            timeouts = inContainer ? 1 : 0;
            outcome = ShardOutcome.TIMEOUT;
        } else if (results.failed() + results.errors() > 0) {
            outcome = ShardOutcome.FAILED;
        } else if (execution.exit().isEmpty() || execution.exit().get() != 0 || results.total() == 0) {
            outcome = ShardOutcome.ERROR;
            problems.add("shard " + index + execution.exit().map(c -> " exited with " + c).orElse(" did not run")
                    + (results.total() == 0 ? " and left no JUnit results" : " without failing tests") + "; see " + log);
        } else {
            outcome = ShardOutcome.OK;
        }
        problems.addAll(results.problems());
        return new Verdict(outcome, execution.containerFailures(), timeouts, problems);
    }
}
