package io.jenkins.plugins.selftest.actions;

import hudson.model.Action;
import hudson.model.Run;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.File;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.RunAction2;
import jenkins.tasks.SimpleBuildStep;

/**
 * The result of {@code selfTest} (or of {@code selfTestPublish}) on a build.
 *
 * <p>Persistence, as plugin-util-api's BuildAction: the small {@link RunRecord} (counts, runtime, coverage ratios,
 * shard figures) is kept in {@code build.xml} as a JSON string (XStream never sees engine records); the large
 * {@link RunDetails} (every test case, coverage per package, orphans) lives in {@value #DETAILS_FILE} under the
 * build's directory and is loaded lazily, held only softly. Thread-safe.
 */
public class SelfTestBuildAction implements RunAction2, SimpleBuildStep.LastBuildAction {

    private static final Logger LOGGER = Logger.getLogger(SelfTestBuildAction.class.getName());

    /** The run's details, relative to the build's root directory. */
    public static final String DETAILS_FILE = "selftest/details.json";
    /** Where the reports are archived as artifacts. */
    public static final String ARTIFACT_DIR = "selftest";

    private final String record;
    private transient Run<?, ?> run;
    private transient volatile RunRecord parsed;
    private transient volatile SoftReference<RunDetails> details;

    public SelfTestBuildAction(RunRecord record) {
        this.record = Json.write(record);
        this.parsed = record;
    }

    /** Writes the details next to the build and returns the action to add. */
    public static SelfTestBuildAction create(Run<?, ?> run, RunDetails details) throws IOException {
        File file = new File(run.getRootDir(), DETAILS_FILE);
        details.write(file.toPath());
        SelfTestBuildAction a = new SelfTestBuildAction(details.record());
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
        if (run == null) {
            return Optional.empty();
        }
        try {
            Optional<RunDetails> loaded = RunDetails.read(new File(run.getRootDir(), DETAILS_FILE).toPath());
            loaded.ifPresent(x -> details = new SoftReference<>(x));
            return loaded;
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "cannot read " + DETAILS_FILE + " of " + run, e);
            return Optional.empty();
        }
    }

    /** The same action on the closest earlier build that has one. */
    public Optional<SelfTestBuildAction> previous() {
        for (Run<?, ?> r = run == null ? null : run.getPreviousBuild(); r != null; r = r.getPreviousBuild()) {
            SelfTestBuildAction a = r.getAction(SelfTestBuildAction.class);
            if (a != null) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public String getIconFileName() {
        return "/plugin/supervised-selftest/images/selftest.svg";
    }

    @Override
    public String getDisplayName() {
        return "Self-test results";
    }

    @Override
    public String getUrlName() {
        return "selfTest";
    }

    /** The job page's trend action, shown from the last build that has results (as the coverage plugin does). */
    @Override
    public Collection<? extends Action> getProjectActions() {
        return run == null ? List.of() : List.of(new SelfTestJobAction(run.getParent()));
    }
}
