package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration spelling of spec files: {@code 200ms}, {@code 30s}, {@code 5m}, {@code 1h}, or a number of seconds. */
public final class Durations {

    private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /**
     * Parses {@code 200ms}, {@code 1.5s}, {@code 5m}, {@code 1h}, {@code 30} (seconds) or an ISO-8601 duration
     * ({@code PT30S}, what {@link io.jenkins.plugins.selftest.engine.json.Json} writes).
     *
     * @throws IllegalArgumentException saying which spellings work
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return nonNegative(Duration.parse(text.trim()), text);
            } catch (java.time.format.DateTimeParseException e) {
                throw invalid(text);
            }
        }
        Matcher m = TEXT.matcher(t);
        if (!m.matches()) {
            throw invalid(text);
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** Seconds as a number (JSON numbers in spec files). */
    public static Duration ofSeconds(double seconds) {
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
