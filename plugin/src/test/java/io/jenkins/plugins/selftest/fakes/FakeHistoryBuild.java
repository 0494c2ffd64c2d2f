package io.jenkins.plugins.selftest.fakes;

import hudson.model.Action;
import hudson.model.Run;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A numbered build of a {@link FakeHistoryJob}, with actions in memory and a real build directory. */
public class FakeHistoryBuild extends Run<FakeHistoryJob, FakeHistoryBuild> {
    public final List<Action> actions = new ArrayList<>();
    /** How often the build directory was asked for: loading details goes through it. */
    public final AtomicInteger rootDirCalls = new AtomicInteger();
    /** How often an action was looked up: the trend walks builds through it. */
    public final AtomicInteger actionLookups = new AtomicInteger();
    /** The build's display name; {@code #<number>} unless a test sets another. */
    public volatile String displayName;
    private final FakeHistoryJob job;
    private final int number;
    private final Path rootDir;

    FakeHistoryBuild(FakeHistoryJob job, int number, Path rootDir) throws IOException {
        super(job);
        this.job = job;
        this.number = number;
        this.rootDir = Files.createDirectories(rootDir);
    }

    @Override
    public FakeHistoryJob getParent() {
        return job;
    }

    @Override
    public int getNumber() {
        return number;
    }

    @Override
    public String getDisplayName() {
        return displayName != null ? displayName : "#" + number;
    }

    @Override
    public String getFullDisplayName() {
        return job.name() + " #" + number;
    }

    @Override
    public String getUrl() {
        return "job/" + job.name() + "/" + number + "/";
    }

    @Override
    public File getRootDir() {
        rootDirCalls.incrementAndGet();
        return rootDir.toFile();
    }

    @Override
    public FakeHistoryBuild getPreviousBuild() {
        return number <= 1 ? null : job.builds.get(number - 2);
    }

    @Override
    public void addAction(Action a) {
        actions.add(a);
        if (a instanceof jenkins.model.RunAction2 r) {
            r.onAttached(this);
        }
    }

    @Override
    public <T extends Action> List<T> getActions(Class<T> type) {
        actionLookups.incrementAndGet();
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public <T extends Action> T getAction(Class<T> type) {
        actionLookups.incrementAndGet();
        return actions.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    @Override
    public int compareTo(FakeHistoryBuild o) {
        return Integer.compare(number, o.number);
    }
}
