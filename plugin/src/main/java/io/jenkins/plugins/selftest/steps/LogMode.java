package io.jenkins.plugins.selftest.steps;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where {@code supervisedService} puts its services' output: the {@code log} parameter. Every service log is
 * archived as {@code supervised-services/<name>.log} whatever the mode; the mode says whether its lines also go to
 * the build log, as {@code [name] line}.
 */
public enum LogMode {
    /** Every line to the build log (the default). */
    STREAM(true),
    /** Only the archived log file. */
    FILE(false),
    /** The build log and the archived file (the file is archived in every mode; kept as its own word for users). */
    BOTH(true);

    private final boolean streams;

    LogMode(boolean streams) {
        this.streams = streams;
    }

    /** Whether the lines go to the build log. */
    public boolean streams() {
        return streams;
    }

    /** The spelling in a Jenkinsfile: {@code stream}, {@code file}, {@code both}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every spelling, the default first: what the form offers and what a bad value is told to pick from. */
    static String[] labels() {
        return Arrays.stream(values()).map(LogMode::label).toArray(String[]::new);
    }

    /** The constant a {@linkplain #labels() label} names. @throws IllegalArgumentException for another text */
    static LogMode of(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
