package io.jenkins.plugins.selftest.engine.junit;

/** Outcome of one test case, as JUnit XML reports it. */
public enum TestStatus {
    PASSED, FAILED, ERROR, SKIPPED
}
