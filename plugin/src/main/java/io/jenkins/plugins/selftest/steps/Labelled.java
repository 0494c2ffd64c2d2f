package io.jenkins.plugins.selftest.steps;

import java.util.Arrays;
import java.util.Locale;

/**
 * An enum whose constants a step parameter names in a Jenkinsfile, each spelled as its name in lower case
 * ({@code onGiveUp: 'unstable'}). The drop-downs, the accepted spellings and the messages about a bad value all come
 * from the constants, so a new constant needs nothing else.
 */
interface Labelled {

    /** {@link Enum#name()}, which every enum has. */
    String name();

    /** The spelling in a Jenkinsfile. */
    default String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every spelling, in declaration order (the default first): what a form offers and a bad value is told. */
    static <E extends Enum<E> & Labelled> String[] labels(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Labelled::label).toArray(String[]::new);
    }

    /** The constant {@code label} spells. @throws IllegalArgumentException when it spells none */
    static <E extends Enum<E> & Labelled> E of(Class<E> type, String label) {
        return Enum.valueOf(type, label.trim().toUpperCase(Locale.ROOT));
    }
}
