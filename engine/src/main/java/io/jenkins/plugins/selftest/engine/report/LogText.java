package io.jenkins.plugins.selftest.engine.report;

/**
 * Text from a build (test names, messages, problems naming files) made safe to print on a terminal or into a build
 * log: every control character but tab (ESC, BEL, CR, newline, the other C0 and C1 controls, DEL) is written as a
 * visible {@code \\u001b}-style escape, so no sequence from a build can move the cursor, clear the screen, set a
 * title or hide a line, and the text is bounded to {@link #MAX_CHARS} characters. The one home of that rule for the
 * CLI and the plugin's log alike. Stateless.
 */
public final class LogText {

    /** Upper bound of one printed text. */
    public static final int MAX_CHARS = 2000;

    private LogText() {
    }

    /** {@code text} as one safe line (a newline becomes {@code \\u000a}). */
    public static String line(String text) {
        String s = text == null ? "null" : text;
        String cut = s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) : s;
        StringBuilder out = new StringBuilder(cut.length() + 16);
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (c != '\t' && (c < 0x20 || (c >= 0x7F && c <= 0x9F))) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (cut.length() < s.length()) {
            out.append("\u2026 (").append(s.length() - cut.length()).append(" more characters)");
        }
        return out.toString();
    }
}
