package io.jenkins.plugins.selftest.fakes;

import hudson.model.Action;
import hudson.model.Job;
import hudson.security.Permission;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.springframework.security.access.AccessDeniedException;

/**
 * A job with a history of {@link FakeHistoryBuild}s (oldest first), named {@code name}, that records every permission
 * check and refuses them all once {@link #denyAll} is set.
 */
public class FakeHistoryJob extends Job<FakeHistoryJob, FakeHistoryBuild> {
    public final List<FakeHistoryBuild> builds = new ArrayList<>();
    public final List<Permission> checked = new ArrayList<>();
    public volatile boolean denyAll;
    private final String name;
    private final Path buildsDir;

    public FakeHistoryJob(String name, Path buildsDir) {
        super(null, name);
        this.name = name;
        this.buildsDir = buildsDir;
    }

    /** Adds the next build (number = history size + 1). */
    public FakeHistoryBuild newBuild() {
        try {
            FakeHistoryBuild b = new FakeHistoryBuild(this, builds.size() + 1, buildsDir.resolve(String.valueOf(builds.size() + 1)));
            builds.add(b);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds {@code count} builds; build number {@code i} gets the actions {@code actions} makes for it (maybe none). */
    public FakeHistoryJob withBuilds(int count, IntFunction<List<? extends Action>> actions) {
        for (int i = 0; i < count; i++) {
            FakeHistoryBuild b = newBuild();
            actions.apply(b.getNumber()).forEach(b::addAction);
        }
        return this;
    }

    public String name() {
        return name;
    }

    @Override
    public FakeHistoryBuild getLastBuild() {
        return builds.isEmpty() ? null : builds.get(builds.size() - 1);
    }

    @Override
    public void checkPermission(Permission p) {
        checked.add(p);
        if (denyAll) {
            throw new AccessDeniedException("denied: " + p);
        }
    }
}
