package io.jenkins.plugins.selftest.fakes;

import hudson.model.Action;
import hudson.model.Result;
import hudson.model.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A build that keeps actions and a result in memory: what a unit test needs of {@link Run}. */
public class FakeRun extends Run<FakeJob, FakeRun> {
    public final List<Action> actions = new ArrayList<>();
    public volatile Result result;

    public FakeRun() throws IOException {
        super(new FakeJob());
    }

    @Override
    public void addAction(Action a) {
        actions.add(a);
    }

    @Override
    public <T extends Action> List<T> getActions(Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public <T extends Action> T getAction(Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    @Override
    public Result getResult() {
        return result;
    }

    @Override
    public void setResult(Result r) {
        result = r;
    }

    @Override
    public int compareTo(FakeRun o) {
        return 0;
    }
}
