package io.jenkins.plugins.selftest.steps;

import java.util.Arrays;
import java.util.Locale;

/**
 * What {@code supervisedService} does when a service gives up (reaches its restart limit) while the body runs: the
 * {@code onGiveUp} parameter. A Jenkins concept (a build result), so the engine has no such enum.
 */
public enum OnGiveUp {
    /** Abort the body and fail the build, naming the service and its last exit (the default). */
    FAIL,
    /** Mark the build unstable and let the body go on. */
    UNSTABLE,
    /** Only log it. */
    IGNORE;

    /** The spelling in a Jenkinsfile: {@code fail}, {@code unstable}, {@code ignore}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every spelling, the default first: what the form offers and what a bad value is told to pick from. */
    static String[] labels() {
        return Arrays.stream(values()).map(OnGiveUp::label).toArray(String[]::new);
    }

    /** The constant a {@linkplain #labels() label} names. @throws IllegalArgumentException for another text */
    static OnGiveUp of(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
