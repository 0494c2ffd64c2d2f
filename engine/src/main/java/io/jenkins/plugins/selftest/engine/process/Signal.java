package io.jenkins.plugins.selftest.engine.process;

import java.util.Locale;

/** POSIX signals the engine sends, with their Linux numbers. */
public enum Signal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), TERM(15);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /**
     * Parses {@code TERM}, {@code SIGTERM}, {@code sigterm} or {@code 15}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Signal parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("SIG")) {
            t = t.substring(3);
        }
        for (Signal s : values()) {
            if (s.name().equals(t) || String.valueOf(s.number).equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown signal '" + text + "': use one of TERM, INT, HUP, QUIT, KILL, USR1, USR2");
    }
}
