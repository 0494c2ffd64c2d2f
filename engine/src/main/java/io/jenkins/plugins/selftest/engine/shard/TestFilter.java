package io.jenkins.plugins.selftest.engine.shard;

import java.util.List;

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
        return globMatches(glob, subject);
    }

    /**
     * Whether {@code glob} matches all of {@code subject}, in time proportional to their lengths' product: a pattern
     * of many stars against a long id that almost matches would backtrack for ever as a regular expression.
     */
    private static boolean globMatches(String glob, String subject) {
        int n = subject.length();
        // can[j]: the pattern read so far matches subject[0, j)
        boolean[] can = new boolean[n + 1];
        can[0] = true;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            boolean[] next = new boolean[n + 1];
            if (c == '*') {
                boolean deep = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                if (deep) {
                    i++;
                }
                for (int j = 0; j <= n; j++) {
                    next[j] = can[j] || j > 0 && next[j - 1] && (deep || inName(subject.charAt(j - 1)));
                }
            } else {
                for (int j = 1; j <= n; j++) {
                    char s = subject.charAt(j - 1);
                    next[j] = can[j - 1] && (c == '?' ? inName(s) : c == s);
                }
            }
            can = next;
        }
        return can[n];
    }

    private static boolean inName(char c) {
        return c != '.' && c != '/';
    }
}
