package io.jenkins.plugins.selftest.steps;

/**
 * Where {@code supervisedService} puts its services' output: the {@code log} parameter. Every service log is
 * archived as {@code supervised-services/<name>.log} whatever the mode; the mode says whether its lines also go to
 * the build log, as {@code [name] line}.
 */
public enum LogMode implements Labelled {
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
}
