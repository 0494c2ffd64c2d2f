package io.jenkins.plugins.selftest.steps;

import hudson.model.Run;
import io.jenkins.plugins.selftest.actions.SelfTestBuildAction;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * What the {@code selfTest} steps read of the job's earlier builds: the records the shards' timings come from, and the
 * record a new result is compared with. Both come from one walk over the earlier builds.
 */
final class BuildHistory {

    private static final Logger LOGGER = Logger.getLogger(BuildHistory.class.getName());

    /** How many earlier builds with results the timings come from (TimingHistory averages the last complete ones). */
    static final int TIMING_BUILDS = 10;
    /** How far back to look for them. */
    static final int LOOK_BACK = 50;

    private BuildHistory() {
    }

    /**
     * The records of up to {@value #TIMING_BUILDS} earlier builds with results, oldest first. A record that cannot be
     * read is passed over.
     */
    static List<RunRecord> timings(Run<?, ?> run) {
        List<RunRecord> records = new ArrayList<>(earlierResults(run).flatMap(BuildHistory::readable)
                .limit(TIMING_BUILDS).toList());
        Collections.reverse(records);
        return records;
    }

    /** The record of the latest earlier build with results, to compare with. */
    static Optional<RunRecord> previous(Run<?, ?> run) {
        return earlierResults(run).findFirst().map(SelfTestBuildAction::getRecord);
    }

    /** The first selfTest result of each of the last {@value #LOOK_BACK} builds before {@code run} that has one. */
    private static Stream<SelfTestBuildAction> earlierResults(Run<?, ?> run) {
        return Stream.<Run<?, ?>>iterate(run.getPreviousBuild(), r -> r != null, Run::getPreviousBuild)
                .limit(LOOK_BACK)
                .map(r -> r.getAction(SelfTestBuildAction.class))
                .filter(a -> a != null);
    }

    private static Stream<RunRecord> readable(SelfTestBuildAction a) {
        try {
            return Stream.of(a.getRecord());
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "unreadable selfTest record on " + a.getRun(), e);
            return Stream.empty();
        }
    }
}
