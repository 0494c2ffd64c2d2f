package io.jenkins.plugins.selftest.engine.run;

import java.util.List;
import java.util.Optional;

/**
 * What running a shard's command gave, before its reports are read and its outcome decided
 * ({@link OutcomeClassifier}).
 *
 * @param exit              the command's exit code; empty when it was stopped or never started
 * @param timedOut          it was stopped at the timeout
 * @param containerFailures container CLI calls that failed around it (a removal)
 * @param problems          what went wrong around it, one line each
 */
record ShardExecution(Optional<Integer> exit, boolean timedOut, int containerFailures, List<String> problems) {

    ShardExecution {
        problems = List.copyOf(problems);
    }

    /** A command that ran to its end (or was stopped when {@code exit} is empty) without trouble around it. */
    static ShardExecution of(Optional<Integer> exit) {
        return new ShardExecution(exit, exit.isEmpty(), 0, List.of());
    }

    /** A shard that could not run at all, for the reason {@code problem}. */
    static ShardExecution couldNotRun(String problem) {
        return new ShardExecution(Optional.empty(), false, 0, List.of(problem));
    }
}
