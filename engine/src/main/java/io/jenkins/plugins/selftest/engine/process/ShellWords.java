package io.jenkins.plugins.selftest.engine.process;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of a command line, as {@code /bin/sh} would split it before running it, without expanding anything:
 * blanks separate words, {@code '...'} keeps everything, {@code "..."} keeps everything but a backslash before
 * {@code " \ $ `}, and a backslash outside quotes keeps the next character. The one splitter of user-given
 * argument strings (build arguments, a container service's command), and {@link #quote} its inverse.
 */
public final class ShellWords {

    /** The longest line split, and the most words it may hold: every input is bounded. */
    public static final int MAX_LENGTH = 8192;
    public static final int MAX_WORDS = 256;

    private ShellWords() {
    }

    /**
     * @throws IllegalArgumentException on an unclosed quote, a trailing backslash, or a line over the bounds, with
     *                                  a message that says what to change
     */
    public static List<String> split(String line) {
        if (line == null || line.isBlank()) {
            return List.of();
        }
        if (line.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is " + line.length() + " characters long: at most " + MAX_LENGTH);
        }
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("has an unclosed ' at character " + (i + 1) + ": close it");
                }
                word.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < line.length() && "\"\\$`".indexOf(line.charAt(j + 1)) >= 0) {
                        d = line.charAt(++j);
                    }
                    word.append(d);
                }
                if (j >= line.length()) {
                    throw new IllegalArgumentException("has an unclosed \" at character " + (i + 1) + ": close it");
                }
                i = j;
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("ends with a lone \\: remove it or quote it");
                }
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    add(words, word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            add(words, word.toString());
        }
        return List.copyOf(words);
    }

    private static void add(List<String> words, String word) {
        if (words.size() == MAX_WORDS) {
            throw new IllegalArgumentException("has more than " + MAX_WORDS + " words: at most " + MAX_WORDS);
        }
        words.add(word);
    }

    /** One word quoted for {@code /bin/sh}: {@code split(quote(w))} is {@code [w]}. */
    public static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Words joined into one line that {@link #split} gives back. */
    public static String join(List<String> words) {
        return String.join(" ", words.stream().map(ShellWords::quote).toList());
    }
}
