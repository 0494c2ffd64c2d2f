package io.jenkins.plugins.selftest.engine.files;

import java.util.ArrayList;
import java.util.List;

/**
 * The one glob matcher: {@code *} matches a run of characters that are not separators, {@code **} any run,
 * {@code ?} one character that is not a separator, {@code [abc]}, {@code [a-z]} and {@code [!a]} one character of a
 * class, {@code {a,b}} either alternative, and a backslash takes the next character as it is. File globs separate by
 * {@code /} (as {@link java.nio.file.FileSystem#getPathMatcher} globs do); test filters by {@code .} and {@code /}.
 *
 * <p>Matching takes time proportional to the pattern's length times the subject's, whatever the pattern: as a
 * regular expression (which is how the JDK matches globs) a pattern of many stars against a long name that almost
 * matches backtracks for ever, and patterns come from Jenkinsfiles and command lines while names come from builds.
 * Immutable and thread-safe.
 */
public final class Glob {

    /** The most alternatives braces may spell out; more is refused, as is a pattern longer than {@link #MAX_LENGTH}. */
    public static final int MAX_ALTERNATIVES = 64;
    /** The longest pattern taken. */
    public static final int MAX_LENGTH = 4096;

    private enum Kind { LITERAL, ONE, CLASS, STAR, DEEP_STAR }

    private record Token(Kind kind, char literal, String members, boolean negated) {
        boolean accepts(char c, String separators) {
            return switch (kind) {
                case LITERAL -> c == literal;
                case ONE -> separators.indexOf(c) < 0;
                case CLASS -> separators.indexOf(c) < 0 && inClass(c) != negated;
                default -> throw new IllegalStateException(kind.name());
            };
        }

        private boolean inClass(char c) {
            for (int i = 0; i < members.length(); i++) {
                if (i + 2 < members.length() && members.charAt(i + 1) == '-') {
                    if (c >= members.charAt(i) && c <= members.charAt(i + 2)) {
                        return true;
                    }
                    i += 2;
                } else if (members.charAt(i) == c) {
                    return true;
                }
            }
            return false;
        }
    }

    private final String pattern;
    private final String separators;
    private final List<List<Token>> alternatives;

    private Glob(String pattern, String separators, List<List<Token>> alternatives) {
        this.pattern = pattern;
        this.separators = separators;
        this.alternatives = alternatives;
    }

    /**
     * {@code pattern} with {@code separators} as the characters a single star or {@code ?} does not match.
     *
     * @throws IllegalArgumentException saying what is wrong: too long, too many alternatives, an open bracket or brace
     */
    public static Glob of(String pattern, String separators) {
        if (pattern.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("glob '" + pattern.substring(0, 40) + "...' is longer than " + MAX_LENGTH
                    + " characters: give a shorter one");
        }
        List<List<Token>> alternatives = new ArrayList<>();
        for (String alternative : expandBraces(pattern)) {
            alternatives.add(tokens(alternative, pattern));
        }
        return new Glob(pattern, separators, List.copyOf(alternatives));
    }

    /** A file glob: {@code /} separates names. */
    public static Glob ofPath(String pattern) {
        return of(pattern, "/");
    }

    /** Whether the whole of {@code subject} matches. */
    public boolean matches(String subject) {
        for (List<Token> tokens : alternatives) {
            if (matches(tokens, subject)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return pattern;
    }

    private boolean matches(List<Token> tokens, String subject) {
        int n = subject.length();
        // can[j]: the tokens read so far match subject[0, j)
        boolean[] can = new boolean[n + 1];
        can[0] = true;
        for (Token t : tokens) {
            boolean[] next = new boolean[n + 1];
            if (t.kind() == Kind.STAR || t.kind() == Kind.DEEP_STAR) {
                boolean deep = t.kind() == Kind.DEEP_STAR;
                for (int j = 0; j <= n; j++) {
                    next[j] = can[j] || j > 0 && next[j - 1] && (deep || separators.indexOf(subject.charAt(j - 1)) < 0);
                }
            } else {
                for (int j = 1; j <= n; j++) {
                    next[j] = can[j - 1] && t.accepts(subject.charAt(j - 1), separators);
                }
            }
            can = next;
        }
        return can[n];
    }

    private static List<Token> tokens(String p, String whole) {
        List<Token> tokens = new ArrayList<>();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                tokens.add(new Token(Kind.LITERAL, p.charAt(++i), "", false));
            } else if (c == '*') {
                boolean deep = i + 1 < p.length() && p.charAt(i + 1) == '*';
                if (deep) {
                    i++;
                }
                tokens.add(new Token(deep ? Kind.DEEP_STAR : Kind.STAR, c, "", false));
            } else if (c == '?') {
                tokens.add(new Token(Kind.ONE, c, "", false));
            } else if (c == '[') {
                int end = p.indexOf(']', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("glob '" + whole + "' has a '[' without its ']': close it or "
                            + "write \\[ for the character");
                }
                boolean negated = end > i + 1 && p.charAt(i + 1) == '!';
                tokens.add(new Token(Kind.CLASS, c, p.substring(i + (negated ? 2 : 1), end), negated));
                i = end;
            } else {
                tokens.add(new Token(Kind.LITERAL, c, "", false));
            }
        }
        return tokens;
    }

    /** {@code a{b,c}d{e,f}} as {@code abde, abdf, acde, acdf}; braces do not nest (as in the JDK's globs). */
    private static List<String> expandBraces(String p) {
        List<String> done = new ArrayList<>();
        done.add("");
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                String escaped = p.substring(i, i + 2);
                done.replaceAll(s -> s + escaped);
                i++;
            } else if (c == '{') {
                int end = p.indexOf('}', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("glob '" + p + "' has a '{' without its '}': close it or write "
                            + "\\{ for the character");
                }
                String[] options = p.substring(i + 1, end).split(",", -1);
                if ((long) done.size() * options.length > MAX_ALTERNATIVES) {
                    throw new IllegalArgumentException("glob '" + p + "' spells out more than " + MAX_ALTERNATIVES
                            + " alternatives: give fewer {a,b} choices");
                }
                List<String> more = new ArrayList<>();
                for (String prefix : done) {
                    for (String o : options) {
                        more.add(prefix + o);
                    }
                }
                done = more;
                i = end;
            } else {
                String plain = String.valueOf(c);
                done.replaceAll(s -> s + plain);
            }
        }
        return done;
    }
}
