package io.jenkins.plugins.selftest.engine.shard;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Include and exclude patterns for test ids (fully qualified class names, or file paths for pytest). A pattern is a
 * glob: {@code **} matches anything, {@code *} anything but a {@code .} or {@code /}, {@code ?} one such character.
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
        return toRegex(glob).matcher(subject).matches();
    }

    private static Pattern toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^./]*");
            } else if (c == '?') {
                re.append("[^./]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
