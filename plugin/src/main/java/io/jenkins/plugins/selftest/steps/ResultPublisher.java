package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.actions.BuildHistory;
import io.jenkins.plugins.selftest.actions.SelfTestBuildAction;
import io.jenkins.plugins.selftest.engine.report.LogText;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.agent.SelfTestAgent;
import io.jenkins.plugins.selftest.agent.SelfTestCalls;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * What a {@code selfTest} result does to the build, as its {@link FailurePolicy} says: the build action, the reports
 * archived as artifacts, the lines of the build log, the build's result (UNSTABLE, with a warning on the step) or the
 * step's failure, and the summary the Pipeline gets back. Here the shards' outcomes ({@code ok}, {@code failed},
 * {@code timeout}, {@code error}, {@code aborted}) get their meaning for the step. Used on the step's own thread, one
 * result at a time.
 */
final class ResultPublisher {

    private static final Logger LOGGER = Logger.getLogger(ResultPublisher.class.getName());

    private final StepContext context;
    private final SelfTestAgent agent;
    private final FailurePolicy policy;

    ResultPublisher(StepContext context, SelfTestAgent agent, FailurePolicy policy) {
        this.context = context;
        this.agent = agent;
        this.policy = policy;
    }

    /**
     * Publishes a whole run, or the merge of a plan's shards: archives the reports, records the build action, says the
     * result, then fails the step or marks the build as the policy says. The agent's report directory goes in any case.
     *
     * @return the summary for the Pipeline ({@link #summary})
     * @throws AbortException when the tests could not run, a shard could not, or tests failed, and the policy says fail
     */
    Map<String, Object> publish(RunSummary o) throws Exception {
        Run<?, ?> run = context.get(Run.class);
        PrintStream log = context.get(TaskListener.class).getLogger();
        if (o.details().isEmpty()) {
            agent.discard(o.reportDir());
            String why = o.setupError().orElse("no results");
            if (policy.failOnError()) {
                throw new AbortException(Messages.get("SelfTestStep.SetupFailed", agent.describe(), why));
            }
            log.println("selfTest: the tests could not run: " + why + " (failOnError: false: going on)");
            warn(Messages.get("SelfTestStep.SetupFailed", agent.describe(), why), false);
            return summary(Optional.empty());
        }
        RunDetails details = o.details().get();
        Optional<RunRecord> previous = BuildHistory.previousRecord(run);
        // a second selfTest of the build gets its own action, page and artifact directory (selfTest-2, selftest-2/)
        SelfTestBuildAction action = SelfTestBuildAction.attach(run, details);
        action.repeatNote().ifPresent(n -> log.println("selfTest: " + n));
        try {
            agent.archive(o.reportDir(), o.artifacts(), action.getArtifactDir());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "cannot archive the selfTest reports of " + run, e);
            log.println("selfTest: cannot archive the reports: " + e.getMessage());
        } finally {
            agent.discard(o.reportDir()); // archived: nothing of the run stays beside the workspace
        }
        RunRecord r = details.record();
        o.problems().forEach(p -> log.println("selfTest: " + LogText.line(p)));
        log.println("selfTest: " + describe(r, previous, details.orphans().isPython()) + (o.artifacts().isEmpty() ? ""
                : "; reports archived under " + action.getArtifactDir() + "/"));
        List<String> errors = new ArrayList<>();
        int timeouts = 0;
        for (int i = 0; i < o.outcomes().size(); i++) {
            switch (o.outcomes().get(i)) {
                case ERROR -> errors.add("shard " + i);
                case ABORTED -> errors.add("shard " + i + " was aborted");
                case TIMEOUT -> timeouts++;
                case OK, FAILED -> { }
            }
        }
        if (!errors.isEmpty()) {
            couldNotRun(errors.size(), String.join(", ", errors), String.join(", ", errors));
        }
        testFailures(r.failed() + r.errors(), timeouts);
        return summary(Optional.of(r));
    }

    /**
     * Publishes shard {@code index} of a plan, run on its own: its line in the log, then the step fails or the build is
     * marked as the policy says. Its reports stay with the build for {@code selfTestPublish}.
     *
     * @return the shard's counts for the Pipeline: index, outcome, total, passed, failed, skipped
     * @throws AbortException when the shard was aborted, or could not run or had failures and the policy says fail
     */
    Map<String, Object> publishShard(int index, ShardResult o) throws Exception {
        PrintStream log = context.get(TaskListener.class).getLogger();
        log.println("selfTest: " + SelfTestCalls.shardLine(o.index(), o.shardCount(), o.outcome(), o.total(), o.failed(),
                o.skipped(), o.runtimeSeconds()));
        o.problems().forEach(p -> log.println("selfTest:   " + LogText.line(p)));
        if (o.outcome() == ShardOutcome.ABORTED) {
            throw new AbortException("selfTest: shard " + index + " was aborted");
        }
        if (o.setupError().isPresent() || o.outcome() == ShardOutcome.ERROR) {
            String why = o.setupError().orElse(o.problems().isEmpty() ? "it left no results" : o.problems().get(0));
            couldNotRun(1, "shard " + index + ": " + why, "shard " + index);
        }
        testFailures(o.failed(), o.outcome() == ShardOutcome.TIMEOUT ? 1 : 0);
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("index", o.index());
        m.put("outcome", o.outcome().label());
        m.put("total", o.total());
        m.put("passed", o.passed());
        m.put("failed", o.failed());
        m.put("skipped", o.skipped());
        return m;
    }

    /**
     * Shards that could not run: the step fails, or the log says the step goes on.
     *
     * @param detail  for the step's failure: which shards and why
     * @param subject for the log: which shards
     */
    private void couldNotRun(int count, String detail, String subject) throws Exception {
        if (policy.failOnError()) {
            throw new AbortException(Messages.get("SelfTestStep.ShardErrors", count, detail));
        }
        context.get(TaskListener.class).getLogger()
                .println("selfTest: " + subject + " could not run; going on (failOnError: false)");
    }

    /** Failed tests and shards that timed out, if any: the build becomes UNSTABLE with a warning, or the step fails. */
    private void testFailures(int failed, int timeouts) throws Exception {
        if (failed == 0 && timeouts == 0) {
            return;
        }
        if (!policy.unstableOnFailures()) {
            throw new AbortException(Messages.get("SelfTestStep.TestsFailed", failed, timeouts));
        }
        warn("selfTest: " + failed + " test(s) failed" + (timeouts > 0 ? ", " + timeouts + " shard(s) timed out" : ""),
                true);
    }

    /** A warning on the step's node, as UNSTABLE; with {@code setRunResult} the build's result too. */
    private void warn(String message, boolean setRunResult) throws IOException, InterruptedException {
        if (setRunResult) {
            context.get(Run.class).setResult(Result.UNSTABLE);
        }
        FlowNode flowNode = context.get(FlowNode.class);
        if (flowNode != null) {
            flowNode.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
        }
    }

    /** "120 tests: 118 passed, 1 failed, 1 skipped in 42.0 s; line coverage 83.4% (+1.2 vs previous); 3 orphans". */
    static String describe(RunRecord r, Optional<RunRecord> previous) {
        return describe(r, previous, false);
    }

    /** @param pythonModules the orphans are Python modules (pytest), not classes */
    static String describe(RunRecord r, Optional<RunRecord> previous, boolean pythonModules) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d tests: %d passed, %d failed, %d skipped in %.1f s",
                r.total(), r.passed(), r.failed() + r.errors(), r.skipped(), r.runtimeSeconds()));
        r.lineCoverage().ifPresent(c -> {
            sb.append(String.format(Locale.ROOT, "; line coverage %.1f%%", c * 100));
            previous.flatMap(RunRecord::lineCoverage).ifPresent(p ->
                    sb.append(String.format(Locale.ROOT, " (%+.1f vs the previous build)", (c - p) * 100)));
        });
        sb.append("; ").append(r.orphanTotal()).append(pythonModules ? " orphan module(s)" : " orphan class(es)");
        return sb.toString();
    }

    /** The summary a script branches on: plain String keys and Number values (coverage: line %, null when none). */
    static Map<String, Object> summary(Optional<RunRecord> record) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("total", record.map(RunRecord::total).orElse(0));
        m.put("passed", record.map(RunRecord::passed).orElse(0));
        m.put("failed", record.map(r -> r.failed() + r.errors()).orElse(0));
        m.put("skipped", record.map(RunRecord::skipped).orElse(0));
        m.put("coverage", record.flatMap(RunRecord::lineCoverage).map(c -> Math.round(c * 1000) / 10.0).orElse(null));
        m.put("orphans", record.map(RunRecord::orphanTotal).orElse(0));
        return m;
    }
}
