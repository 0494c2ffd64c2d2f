package io.jenkins.plugins.selftest.fakes;

import hudson.model.Job;

/** A job for {@link FakeRun}; nothing of Jenkins behind it. */
public class FakeJob extends Job<FakeJob, FakeRun> {
    public FakeJob() {
        super(null, "fake");
    }


}
