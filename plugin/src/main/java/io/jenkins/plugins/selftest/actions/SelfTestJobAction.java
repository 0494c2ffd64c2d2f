package io.jenkins.plugins.selftest.actions;

import hudson.model.Action;
import hudson.model.Job;

/** "Self-test trends" on the job page: pass/fail/skip, coverage and runtime over the last builds. */
public class SelfTestJobAction implements Action {

    private final Job<?, ?> job;

    public SelfTestJobAction(Job<?, ?> job) {
        this.job = job;
    }

    public Job<?, ?> getJob() {
        return job;
    }

    @Override
    public String getIconFileName() {
        return "/plugin/supervised-selftest/images/trends.svg";
    }

    @Override
    public String getDisplayName() {
        return "Self-test trends";
    }

    @Override
    public String getUrlName() {
        return "selfTest";
    }
}
