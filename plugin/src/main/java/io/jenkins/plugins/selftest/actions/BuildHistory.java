package io.jenkins.plugins.selftest.actions;

import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one walk over a job's builds: the self-test results of earlier builds, newest first, lazily, looking at no
 * more than a given number of builds. Every look back of the plugin (a result's previous result, the job page's
 * trend and metrics, the timings a run plans with) goes through here with one of the limits named below, so builds
 * without results (aborted early, other branches of a Jenkinsfile) can never make a page or a step walk the whole
 * history.
 *
 * <p>A walk follows one {@code selfTest} call of the builds by its URL name ({@link SelfTestBuildAction#URL_NAME},
 * {@code selfTest-2}, ...), reads only the actions of the builds (their records live in {@code build.xml}), never a
 * details file, and stops as soon as the stream's consumer has what it needs: {@code findFirst()} after the
 * closest result looks at no build beyond it. Stateless; safe from any thread that may read the job's builds.
 */
public final class BuildHistory {

    /** Earlier builds looked at for a result's previous result (its coverage change, its build log line). */
    public static final int PREVIOUS_LOOK_BACK = 50;
    /** Earlier builds looked at for the timings a new run plans its shards with. */
    public static final int TIMINGS_LOOK_BACK = 50;
    /** Results those timings come from, at most (the engine's TimingHistory averages the last complete ones). */
    public static final int TIMINGS_RESULTS = 10;
    /** Builds looked at per build a trend shows. */
    public static final int TREND_LOOK_BACK_FACTOR = 2;

    private static final Logger LOGGER = Logger.getLogger(BuildHistory.class.getName());

    private BuildHistory() {
    }

    /**
     * The results named {@code urlName} of the builds before {@code run}, newest first, looking at no more than
     * {@code lookBack} of those builds.
     */
    public static Stream<SelfTestBuildAction> before(Run<?, ?> run, String urlName, int lookBack) {
        return results(run.getPreviousBuild(), urlName, lookBack);
    }

    /**
     * The results named {@code urlName} of {@code job}'s builds from its last one, newest first, looking at no more
     * than {@code lookBack} builds.
     */
    public static Stream<SelfTestBuildAction> of(Job<?, ?> job, String urlName, int lookBack) {
        return results(job.getLastBuild(), urlName, lookBack);
    }

    /**
     * The records of up to {@value #TIMINGS_RESULTS} earlier builds with results, oldest first, for the planner's
     * timings; a record that cannot be read is passed over.
     */
    public static List<RunRecord> timings(Run<?, ?> run) {
        List<RunRecord> records = new ArrayList<>(before(run, SelfTestBuildAction.URL_NAME, TIMINGS_LOOK_BACK)
                .flatMap(BuildHistory::readable).limit(TIMINGS_RESULTS).toList());
        Collections.reverse(records);
        return records;
    }

    /** The record of the latest earlier build with results, to compare with. */
    public static Optional<RunRecord> previousRecord(Run<?, ?> run) {
        return before(run, SelfTestBuildAction.URL_NAME, PREVIOUS_LOOK_BACK).findFirst()
                .map(SelfTestBuildAction::getRecord);
    }

    private static Stream<RunRecord> readable(SelfTestBuildAction a) {
        try {
            return Stream.of(a.getRecord());
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "unreadable selfTest record on " + a.getRun(), e);
            return Stream.empty();
        }
    }

    private static Stream<SelfTestBuildAction> results(Run<?, ?> newest, String urlName, int lookBack) {
        return builds(newest, lookBack).map(build -> SelfTestBuildAction.of(build, urlName))
                .flatMap(Optional::stream);
    }

    /** {@code newest} and the builds before it, newest first, at most {@code lookBack}; empty for a null build. */
    static Stream<Run<?, ?>> builds(Run<?, ?> newest, int lookBack) {
        return Stream.<Run<?, ?>>iterate(newest, Objects::nonNull, Run::getPreviousBuild).limit(Math.max(0, lookBack));
    }
}
