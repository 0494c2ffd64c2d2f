package io.jenkins.plugins.selftest.actions;

import hudson.model.Run;
import jenkins.model.RunAction2;

/**
 * An action of one build that knows its build: Jenkins hands the build over when the action is added
 * ({@link #onAttached}) and again each time {@code build.xml} is read ({@link #onLoad}). The build is transient, never
 * in {@code build.xml}, so this superclass adds nothing to the persisted form of its subclasses; it is {@code null}
 * only before either call.
 */
public abstract class RunBoundAction implements RunAction2 {

    private transient volatile Run<?, ?> run;

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** The build this action belongs to; {@code null} before Jenkins attached or loaded it. */
    public Run<?, ?> getRun() {
        return run;
    }
}
