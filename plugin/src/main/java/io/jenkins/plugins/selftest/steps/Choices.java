package io.jenkins.plugins.selftest.steps;

import io.jenkins.plugins.selftest.Messages;
import java.util.Arrays;
import java.util.Locale;

/** Validation of step parameters: errors name the field, the bad value and what is accepted. */
final class Choices {

    private Choices() {
    }

    /** {@code value} lower-cased if it is one of {@code allowed}; otherwise an error naming the field. */
    static String oneOf(String field, String value, String... allowed) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (Arrays.asList(allowed).contains(v)) {
            return v;
        }
        throw new IllegalArgumentException(Messages.get("Validation.NotOneOf", field, value, String.join(", ", allowed)));
    }

    static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(Messages.get("Validation.AtLeast", field, min, value));
        }
        return value;
    }
}
