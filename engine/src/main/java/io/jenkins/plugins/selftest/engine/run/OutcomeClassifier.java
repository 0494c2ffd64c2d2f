package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides how a shard ended, from what running it gave and the results it left. In this order: a shard of an aborted
 * run is {@code aborted} (stopped on purpose: neither its exit, nor a half-written report, nor a failed CLI call is
 * a problem); one stopped at the timeout is {@code timeout}; one with failing tests {@code failed}; one that did not
 * exit 0 or left no results {@code error}; else {@code ok}. A test class the shard was given that left no result
 * at all is named in a problem whatever the outcome: its tests were neither passed nor failed, they are missing.
 * A pure function.
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
     * @param expectedClasses the test classes the shard was given, each of which must leave a result; empty where
     *                        that cannot be known (pytest's files, a custom command, a build that filters by tag)
     */
    static Verdict classify(int index, ShardExecution execution, TestSuiteResult results, boolean aborted,
                            boolean inContainer, Duration timeout, Path log, List<String> expectedClasses) {
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
        if (outcome != ShardOutcome.TIMEOUT && results.total() > 0) {
            problems.addAll(unreported(index, expectedClasses, results, log));
        }
        problems.addAll(results.problems());
        return new Verdict(outcome, execution.containerFailures(), timeouts, problems);
    }

    /** The most names (classes, processes) one problem line gives. */
    static final int MAX_NAMED = 5;

    /**
     * The line naming the classes of {@code expected} of which {@code results} has no test case (a nested class's
     * cases count for the class that holds it), or nothing.
     */
    static List<String> unreported(int index, List<String> expected, TestSuiteResult results, Path log) {
        Set<String> reported = results.cases().stream().map(c -> {
            int nested = c.className().indexOf('$');
            return nested < 0 ? c.className() : c.className().substring(0, nested);
        }).collect(Collectors.toSet());
        List<String> missing = expected.stream().filter(c -> !reported.contains(c)).toList();
        if (missing.isEmpty()) {
            return List.of();
        }
        return List.of("shard " + index + ": " + missing.size() + " of its " + expected.size()
                + " test classes left no results, their tests are missing from the counts (" + named(missing) + "); see "
                + log);
    }

    /** The first {@value #MAX_NAMED} of {@code items}, joined by commas, and how many more there are. */
    static String named(List<String> items) {
        return String.join(", ", items.subList(0, Math.min(MAX_NAMED, items.size())))
                + (items.size() > MAX_NAMED ? " and " + (items.size() - MAX_NAMED) + " more" : "");
    }
}
