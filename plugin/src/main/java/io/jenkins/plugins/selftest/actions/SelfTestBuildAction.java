package io.jenkins.plugins.selftest.actions;

import hudson.model.Action;
import hudson.model.Api;
import hudson.model.Item;
import hudson.model.Run;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.engine.coverage.CoverageAggregator;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.orphans.OrphanScanner;
import io.jenkins.plugins.selftest.engine.report.HtmlReport;
import io.jenkins.plugins.selftest.restapi.ResultsModel;
import java.io.File;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.tasks.SimpleBuildStep;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The result of {@code selfTest} (or of {@code selfTestPublish}) on a build.
 *
 * <p>Persistence, as plugin-util-api's BuildAction: the small {@link RunRecord} (counts, runtime, coverage ratios,
 * shard figures) is kept in {@code build.xml} as a JSON string (XStream never sees engine records); the large
 * {@link RunDetails} (every test case, coverage per package, orphans) lives in {@value #DETAILS_FILE} under the
 * build's directory and is loaded lazily, held only softly. Thread-safe.
 *
 * <p>Pages: {@code summary.jelly} on the build's page and {@code index.jelly} at {@code .../selfTest/}, thin shells
 * that hand {@link #getSummaryJson()} and {@link #getPageJson()} to the shared renderers ({@code ui/selftest-ui.js}).
 * REST: {@code .../selfTest/api/json} exports summary, shards, failures, coverage and orphans. Reaching the action by
 * URL needs {@link Item#READ} on the job ({@link #getTarget()}).
 *
 * <p>One action per {@code selfTest} (or {@code selfTestPublish}) call of a build, numbered in the order they finish
 * ({@link #attach}): the first is {@code selfTest} with its reports under {@code artifact/selftest/}, the n-th is
 * {@code selfTest-n} with {@code artifact/selftest-n/}. Each has its own page, summary, API and job-page trend, as
 * coverage-plugin keeps one action per {@code id}: two runs of a suite (other JDK, other tests) are not one result.
 */
@ExportedBean(defaultVisibility = 2)
public class SelfTestBuildAction extends RunBoundAction implements SimpleBuildStep.LastBuildAction, StaplerProxy {

    private static final Logger LOGGER = Logger.getLogger(SelfTestBuildAction.class.getName());

    /** The first result's details, relative to the build's root directory (the n-th's: {@code selftest-n/...}). */
    public static final String DETAILS_FILE = "selftest/details.json";
    /** Where the first result's reports are archived as artifacts (the n-th's: {@code selftest-n}). */
    public static final String ARTIFACT_DIR = "selftest";
    /** The first result's URL name (the n-th's: {@code selfTest-n}). */
    public static final String URL_NAME = "selfTest";
    /** Where the shard logs are archived, below {@link #ARTIFACT_DIR}. */
    public static final String SHARD_LOG_DIR = "shards";
    /** Failed tests listed in the build page's summary. */
    static final int SUMMARY_FAILURES = 10;

    private final String record;
    /** Which {@code selfTest} of the build, from 1. Since 0.1.0: absent (0) in earlier build.xml means 1. */
    private final int index;
    private transient volatile RunRecord parsed;
    private transient volatile SoftReference<RunDetails> details;

    /** The first (or only) result of a build. */
    public SelfTestBuildAction(RunRecord record) {
        this(record, 1);
    }

    SelfTestBuildAction(RunRecord record, int index) {
        if (index < 1) {
            throw new IllegalArgumentException("index " + index + ": the first result is 1");
        }
        this.record = Json.write(record);
        this.parsed = record;
        this.index = index;
    }

    /**
     * Adds the result of one more {@code selfTest} call to {@code run}: numbered after the results the build already
     * has (under the build's lock, so parallel branches get distinct numbers), details written, action added.
     * Archive the reports under {@link #getArtifactDir()} afterwards.
     */
    public static SelfTestBuildAction attach(Run<?, ?> run, RunDetails details) throws IOException {
        synchronized (run) {
            int next = run.getActions(SelfTestBuildAction.class).stream()
                    .mapToInt(SelfTestBuildAction::getIndex).max().orElse(0) + 1;
            SelfTestBuildAction a = create(run, details, next);
            run.addAction(a);
            return a;
        }
    }

    /** The result of build {@code run} with the URL name {@code urlName} ({@code selfTest}, {@code selfTest-2}, ...). */
    public static Optional<SelfTestBuildAction> of(Run<?, ?> run, String urlName) {
        return run.getActions(SelfTestBuildAction.class).stream().filter(a -> a.getUrlName().equals(urlName)).findFirst();
    }

    /**
     * Writes the details next to the build and returns the action to add. Report files are kept relative to the
     * run's report directory ({@link ResultsModel#reportFile(String)}), never as paths of the agent.
     */
    public static SelfTestBuildAction create(Run<?, ?> run, RunDetails details) throws IOException {
        return create(run, details, 1);
    }

    static SelfTestBuildAction create(Run<?, ?> run, RunDetails details, int index) throws IOException {
        details = ResultsModel.withRelativeReportFiles(details);
        SelfTestBuildAction a = new SelfTestBuildAction(details.record(), index);
        File file = new File(run.getRootDir(), a.getDetailsFile());
        details.write(file.toPath());
        a.details = new SoftReference<>(details);
        return a;
    }

    public RunRecord getRecord() {
        RunRecord r = parsed;
        if (r == null) {
            r = Json.read(record, RunRecord.class);
            parsed = r;
        }
        return r;
    }

    /** The details, read from the build directory on first use; empty when the file is gone or unreadable. */
    public Optional<RunDetails> getDetails() {
        SoftReference<RunDetails> ref = details;
        RunDetails d = ref == null ? null : ref.get();
        if (d != null) {
            return Optional.of(d);
        }
        Run<?, ?> run = getRun();
        if (run == null) {
            return Optional.empty();
        }
        try {
            // builds recorded before 0.1.0 kept the agent's paths of the report files
            Optional<RunDetails> loaded = RunDetails.read(new File(run.getRootDir(), getDetailsFile()).toPath())
                    .map(ResultsModel::withRelativeReportFiles);
            loaded.ifPresent(x -> details = new SoftReference<>(x));
            return loaded;
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "cannot read " + getDetailsFile() + " of " + run, e);
            return Optional.empty();
        }
    }

    /**
     * The result with the same URL name on the closest earlier build that has one, among the last
     * {@value BuildHistory#PREVIOUS_LOOK_BACK}.
     */
    public Optional<SelfTestBuildAction> previous() {
        Run<?, ?> run = getRun();
        return run == null ? Optional.empty()
                : BuildHistory.before(run, getUrlName(), BuildHistory.PREVIOUS_LOOK_BACK).findFirst();
    }

    /** Which {@code selfTest} call of the build this is, from 1. */
    public int getIndex() {
        return Math.max(index, 1);
    }

    /** Where this result's reports are archived: {@code selftest}, {@code selftest-2}, ... */
    public String getArtifactDir() {
        return getIndex() == 1 ? ARTIFACT_DIR : ARTIFACT_DIR + "-" + getIndex();
    }

    /** This result's details, relative to the build's root directory. */
    String getDetailsFile() {
        return getArtifactDir() + "/" + RunDetails.FILE_NAME;
    }

    /**
     * The build log's line when this is not the build's first result: what happened to the earlier ones and
     * where this one is. Empty for the first.
     */
    public Optional<String> repeatNote() {
        if (getIndex() == 1) {
            return Optional.empty();
        }
        return Optional.of(Messages.get("SelfTestBuildAction.Repeated", getIndex(), getDisplayName(), getUrlName(),
                getArtifactDir()));
    }

    private Optional<RunRecord> previousRecord() {
        return previous().map(SelfTestBuildAction::getRecord);
    }

    /** Only readers of the job reach this action, its pages and its API by URL. */
    @Override
    public Object getTarget() {
        Run<?, ?> run = getRun();
        if (run != null) {
            run.getParent().checkPermission(Item.READ);
        }
        return this;
    }

    /** {@code .../selfTest/api/json} (and xml, python). */
    public Api getApi() {
        return new Api(this);
    }

    @Exported
    public Map<String, Object> getSummary() {
        return ResultsModel.summary(getRecord(), previousRecord());
    }

    @Exported
    public List<Map<String, Object>> getShards() {
        return ResultsModel.shards(getRecord());
    }

    /** Empty when the details file is gone. */
    @Exported
    public List<Map<String, Object>> getFailures() {
        return getDetails().map(ResultsModel::failures).orElse(List.of());
    }

    @Exported
    public Map<String, Object> getCoverage() {
        return ResultsModel.coverage(getDetails().map(RunDetails::coverage)
                .orElse(CoverageSummary.NO_COVERAGE));
    }

    @Exported
    public Map<String, Object> getOrphans() {
        return ResultsModel.orphans(getDetails().map(RunDetails::orphans).orElse(OrphanReport.NONE), getRecord());
    }

    /**
     * The artifacts worth a link, relative to the build's URL. Derived from the record (coverage measured, orphans
     * scanned, shards run) rather than by listing the artifacts, which may live in external storage.
     */
    public List<Map<String, String>> getLinks() {
        RunRecord r = getRecord();
        Optional<RunDetails> d = getDetails();
        String base = "artifact/" + getArtifactDir() + "/";
        List<Map<String, String>> links = new ArrayList<>();
        // coverage.py's figures have lines but never instructions (the details, when loaded, say so too)
        boolean python = d.map(x -> PythonCoverage.LANGUAGE.equals(x.coverage().language()))
                .orElse(r.lineCoverage().isPresent() && r.instructionCoverage().isEmpty());
        if (python) {
            links.add(link(base + PythonCoverage.HTML_DIR + "/index.html",
                    Messages.get("SelfTestBuildAction.Link.PythonCoverage")));
        } else if (r.lineCoverage().isPresent() || r.instructionCoverage().isPresent()) {
            links.add(link(base + CoverageAggregator.HTML_DIR + "/index.html", Messages.get("SelfTestBuildAction.Link.Coverage")));
        }
        if (r.orphanTotal() > 0 || d.map(x -> x.orphans() != OrphanReport.NONE).orElse(false)) {
            links.add(link(base + OrphanScanner.HTML_FILE, Messages.get("SelfTestBuildAction.Link.Orphans")));
            links.add(link(base + OrphanScanner.JSON_FILE, OrphanScanner.JSON_FILE));
        }
        if (!r.shards().isEmpty()) {
            links.add(link(base + SHARD_LOG_DIR + "/", Messages.get("SelfTestBuildAction.Link.ShardLogs")));
        }
        links.add(link(base, Messages.get("SelfTestBuildAction.Link.All")));
        return links;
    }

    private static Map<String, String> link(String href, String text) {
        return Map.of("href", href, "text", text);
    }

    /**
     * The build page's summary for {@code SelfTestUI.renderSummary(..., {compact: true})}: the record, the previous
     * record (coverage change), links, and at most {@value #SUMMARY_FAILURES} failed tests without stack traces.
     */
    public String getSummaryJson() {
        RunRecord r = getRecord();
        List<TestCaseResult> failed = getDetails().map(d -> d.tests().cases().stream()
                .filter(TestCaseResult::isFailure)
                .limit(SUMMARY_FAILURES)
                .map(c -> new TestCaseResult(c.className(), c.name(), c.durationSeconds(), c.status(), c.flaky(),
                        c.message().map(m -> m.length() > 300 ? m.substring(0, 300) + "..." : m),
                        Optional.empty(), Optional.empty(), c.reportFile()))
                .toList()).orElse(List.of());
        RunDetails compact = new RunDetails(r, new TestSuiteResult(failed, List.of()), null, null);
        return pageJson(compact, getDisplayName());
    }

    /** The results page ({@code .../selfTest/}): everything {@link HtmlReport#forPage} keeps of the details. */
    public String getPageJson() {
        RunDetails d = getDetails().map(HtmlReport::forPage).orElseGet(() -> new RunDetails(getRecord(), null, null,
                null));
        Run<?, ?> run = getRun();
        return pageJson(d, run == null ? getDisplayName() : getDisplayName() + " - " + run.getFullDisplayName());
    }

    private String pageJson(RunDetails details, String heading) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("heading", heading);
        data.put("details", details);
        data.put("previous", previousRecord().orElse(null));
        data.put("links", getLinks());
        data.put("detailsUrl", getUrlName() + "/");
        return Json.write(data);
    }

    /**
     * What the result's icons show, from the record alone: {@link Outcome#FAILED} when a test failed or errored,
     * {@link Outcome#ABORTED} when the run stopped before any test ran, {@link Outcome#UNSTABLE} when a shard errored
     * or timed out (or the run is otherwise incomplete), {@link Outcome#PASSED} otherwise.
     */
    public Outcome getOutcome() {
        return Outcome.of(getRecord());
    }

    /**
     * The sidebar link's and the summary's icon: Jenkins' own status symbol of {@link #getOutcome()} (Jenkins
     * 2.462 takes {@code symbol-*} names from {@code Action#getIconFileName()} and in {@code <t:summary icon>}).
     */
    @Override
    public String getIconFileName() {
        return getOutcome().symbol();
    }

    @Override
    public String getDisplayName() {
        return getIndex() == 1 ? Messages.get("SelfTestBuildAction.DisplayName")
                : Messages.get("SelfTestBuildAction.DisplayNameNumbered", getIndex());
    }

    /** {@value #URL_NAME} for the build's first result, {@code selfTest-n} for the n-th. */
    @Override
    public String getUrlName() {
        return getIndex() == 1 ? URL_NAME : URL_NAME + "-" + getIndex();
    }

    /** A result's outcome as the icons show it; {@link #name()} in lower case is the pages' {@code data-outcome}. */
    public enum Outcome {
        PASSED("symbol-status-blue"),
        UNSTABLE("symbol-status-yellow"),
        FAILED("symbol-status-red"),
        ABORTED("symbol-status-aborted");

        private final String symbol;

        Outcome(String symbol) {
            this.symbol = symbol;
        }

        /** The Jenkins status symbol, as {@code Action#getIconFileName()} returns it. */
        public String symbol() {
            return symbol;
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Outcome of(RunRecord r) {
            if (r.failed() + r.errors() > 0) {
                return FAILED;
            }
            boolean shardProblem = r.containerFailures() > 0 || r.containerTimeouts() > 0 || r.shards().stream()
                    .anyMatch(s -> s.outcome() == ShardOutcome.ERROR || s.outcome() == ShardOutcome.TIMEOUT);
            if (!r.complete() && r.total() == 0 && !shardProblem) {
                return ABORTED;
            }
            return shardProblem || !r.complete() ? UNSTABLE : PASSED;
        }
    }

    /** The job page's trend action, shown from the last build that has results (as the coverage plugin does). */
    @Override
    public Collection<? extends Action> getProjectActions() {
        Run<?, ?> run = getRun();
        return run == null ? List.of() : List.of(new SelfTestJobAction(run.getParent(), getIndex()));
    }
}
