package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration spelling of the project: spec files, Pipeline step parameters and the CLI's options all parse with
 * {@link #parse}, so {@code 2d} or {@code 1.5m} means the same wherever it is written. Stateless.
 */
public final class Durations {

    private static final Pattern SECONDS = Pattern.compile("\\d+(?:\\.\\d+)?");
    /** One amount with its unit; {@code ms} before {@code m} so that {@code 5ms} is not five minutes and an s. */
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)\\s*");
    private static final Pattern PARTS = Pattern.compile("(?:" + PART.pattern() + ")+");

    private Durations() {
    }

    /**
     * Parses {@code 200ms}, {@code 1.5s}, {@code 5m}, {@code 1h}, {@code 2d}, {@code 30} (seconds), each with an
     * optional fraction and in any case, a sum of them as {@link #format} writes it ({@code 1m30s}), or an ISO-8601
     * duration ({@code PT30S}, {@code P2D}, what {@link io.jenkins.plugins.selftest.engine.json.Json} writes). Never
     * negative.
     *
     * @throws IllegalArgumentException saying which spellings work (or that the duration is negative)
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return nonNegative(Duration.parse(text.trim()), text);
            } catch (java.time.format.DateTimeParseException e) {
                throw invalid(text);
            }
        }
        if (SECONDS.matcher(t).matches()) {
            return ofSeconds(Double.parseDouble(t));
        }
        if (!PARTS.matcher(t).matches()) {
            throw invalid(text);
        }
        double millis = 0;
        for (Matcher m = PART.matcher(t); m.find(); ) {
            double amount = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 86_400_000;
            };
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** Seconds as a number (JSON numbers in spec files). */
    public static Duration ofSeconds(double seconds) {
        if (!Double.isFinite(seconds)) {
            throw new IllegalArgumentException("'" + seconds + "' is not a duration: give a finite number of seconds");
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("'" + seconds + "' is negative: use 0 or more");
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** The short spelling: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1m30s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms < 1_000 || ms % 1_000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1_000;
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        if (s >= 60) {
            return s / 60 + "m" + s % 60 + "s";
        }
        return s + "s";
    }

    private static Duration nonNegative(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is negative: use 0 or more");
        }
        return d;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 200ms, 30s, 5m, 1h or a number of seconds");
    }
}
