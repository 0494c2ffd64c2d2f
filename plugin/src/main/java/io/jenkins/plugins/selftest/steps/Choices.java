package io.jenkins.plugins.selftest.steps;

import hudson.util.ListBoxModel;
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

    /** The drop-down of a choice field in the snippet generator. */
    static ListBoxModel items(String... values) {
        ListBoxModel model = new ListBoxModel();
        for (String v : values) {
            model.add(new ListBoxModel.Option(v, v));
        }
        return model;
    }

    static final String[] RESTART = {"on-failure", "always", "never"};
    static final String[] ON_GIVE_UP = {"fail", "unstable", "ignore"};
    static final String[] LOG = {"stream", "file", "both"};
    static final String[] FRAMEWORK = {"maven", "gradle", "pytest", "custom"};
    static final String[] RUNTIME = {"none", "docker", "podman"};

    static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(Messages.get("Validation.AtLeast", field, min, value));
        }
        return value;
    }
}
