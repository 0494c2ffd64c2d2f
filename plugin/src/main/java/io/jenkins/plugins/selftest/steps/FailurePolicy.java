package io.jenkins.plugins.selftest.steps;

/**
 * What failures do to a {@code selfTest} or {@code selfTestPublish} step and its build.
 *
 * @param failOnError        a shard that could not run (bad image, missing runtime, never ran) fails the step, after
 *                           the other shards' results are published; otherwise the step goes on and says so
 * @param unstableOnFailures test failures (and shards that timed out) make the build UNSTABLE, with a warning on the
 *                           step; otherwise they fail the step
 */
record FailurePolicy(boolean failOnError, boolean unstableOnFailures) {
}
