package io.jenkins.plugins.selftest.steps;

/**
 * What {@code supervisedService} does when a service gives up (reaches its restart limit) while the body runs: the
 * {@code onGiveUp} parameter. A Jenkins concept (a build result), so the engine has no such enum.
 */
public enum OnGiveUp implements Labelled {
    /** Abort the body and fail the build, naming the service and its last exit (the default). */
    FAIL,
    /** Mark the build unstable and let the body go on. */
    UNSTABLE,
    /** Only log it. */
    IGNORE
}
