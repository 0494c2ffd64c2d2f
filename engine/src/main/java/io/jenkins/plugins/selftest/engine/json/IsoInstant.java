package io.jenkins.plugins.selftest.engine.json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * An {@link Instant} as {@link Instant#toString()} writes it ({@code 2026-12-03T09:52:01.123Z}), for the JSON of
 * states and events: the same characters, without the date-time formatter's machinery, which costs the interpreted
 * supervisor daemon about 30 µs an instant (a service's status holds several; a restart writes a few statuses and
 * events). Instants before 1970 or after 9999 are left to {@code toString}.
 */
public final class IsoInstant {

    /** 10000-01-01T00:00:00Z, where {@code toString} starts writing a sign and more digits. */
    private static final long YEAR_10000 = 253_402_300_800L;
    private static final int SECONDS_PER_DAY = 86_400;

    private IsoInstant() {
    }

    /** {@code t.toString()}. */
    public static String format(Instant t) {
        return new String(ascii(t), StandardCharsets.US_ASCII);
    }

    /**
     * {@code t.toString()} as its bytes (every character is ASCII, none that JSON escapes), for a writer that copies
     * them as they are instead of encoding a string character by character.
     */
    public static byte[] ascii(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < 0 || seconds >= YEAR_10000) {
            return t.toString().getBytes(StandardCharsets.US_ASCII);
        }
        LocalDate date = LocalDate.ofEpochDay(seconds / SECONDS_PER_DAY);
        int time = (int) (seconds % SECONDS_PER_DAY);
        int nano = t.getNano();
        // the fraction in groups of three digits, as many as it needs: none, milli, micro or nano
        int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
        byte[] c = new byte[digits == 0 ? 20 : 21 + digits];
        digits(c, 0, date.getYear(), 4);
        c[4] = '-';
        digits(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, time / 3600, 2);
        c[13] = ':';
        digits(c, 14, time / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, time % 60, 2);
        if (digits > 0) {
            c[19] = '.';
            digits(c, 20, digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano, digits);
        }
        c[c.length - 1] = 'Z';
        return c;
    }

    /** {@code value} in decimal, zero-padded to {@code width} characters at {@code at}. */
    private static void digits(byte[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
