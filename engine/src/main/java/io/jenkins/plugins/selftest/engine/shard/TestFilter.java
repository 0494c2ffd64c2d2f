package io.jenkins.plugins.selftest.engine.shard;

import io.jenkins.plugins.selftest.engine.files.Glob;

import java.util.List;

/**
 * Include and exclude patterns for test ids (fully qualified class names, or file paths for pytest). A pattern is a
 * glob ({@link Glob}, with {@code .} and {@code /} as separators): {@code **} matches anything, {@code *} anything but
 * a {@code .} or {@code /}, {@code ?} one such character.
 * A pattern without {@code .} or {@code /} is matched against the simple name only ({@code *IT} selects every
 * integration test in every package). An empty include list means "everything". Immutable.
 *
 * @param includes patterns a test must match (any of them); empty means all
 * @param excludes patterns a test must not match (none of them)
 */
public record TestFilter(List<String> includes, List<String> excludes) {

    /** Everything. */
    public static final TestFilter ALL = new TestFilter(List.of(), List.of());

    public TestFilter {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
    }

    public boolean accepts(String testId) {
        boolean included = includes.isEmpty() || includes.stream().anyMatch(p -> matches(p, testId));
        return included && excludes.stream().noneMatch(p -> matches(p, testId));
    }

    static boolean matches(String glob, String testId) {
        String subject = testId;
        if (glob.indexOf('.') < 0 && glob.indexOf('/') < 0) {
            int cut = Math.max(testId.lastIndexOf('.'), testId.lastIndexOf('/'));
            subject = testId.substring(cut + 1);
        }
        return Glob.of(glob, "./").matches(subject);
    }
}
