package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.run.Framework;
import io.jenkins.plugins.selftest.engine.supervisor.RestartPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one check of step parameters. Setters store what the Pipeline gave and never throw for a bad value (structs
 * would turn that exception into a {@code ProxyException} and a stack trace); the step's {@code start()} collects
 * the problems and fails with one {@link AbortException}, one line per problem:
 * {@code <step>: <field>: '<value>' <what is wrong>; <the fix>}. The snippet generator's {@code doCheckX} methods
 * call the same checks, so the form and the Pipeline agree.
 */
final class Choices {

    private Choices() {
    }

    // The closed sets of strings the steps take, each spelled here once, in the order the form offers them. Where the
    // engine has an enum for the set, the spellings are derived from it, so the steps take what the engine knows.

    /** The restart policies, the default ({@code on-failure}) first so that a new form shows it. */
    static final String[] RESTART = Stream.concat(Stream.of(RestartPolicy.ON_FAILURE),
            Arrays.stream(RestartPolicy.values()).filter(p -> p != RestartPolicy.ON_FAILURE))
            .map(RestartPolicy::label).toArray(String[]::new);
    /** The engine's frameworks, spelled as {@link #spelling(Framework)} does. */
    static final String[] FRAMEWORK = Arrays.stream(Framework.values()).map(Choices::spelling).toArray(String[]::new);
    /** The runtime of local processes, without containers: the default. */
    static final String NO_RUNTIME = "none";
    /** {@value #NO_RUNTIME} (local processes), then the container CLIs the engine knows. */
    static final String[] RUNTIME = Stream.concat(Stream.of(NO_RUNTIME),
            Arrays.stream(ContainerRuntime.Kind.values()).map(ContainerRuntime.Kind::executable)).toArray(String[]::new);

    /** A container service's engine: the container CLIs the engine knows; none given means the one the agent has. */
    static final String[] SERVICE_RUNTIME = Arrays.stream(ContainerRuntime.Kind.values())
            .map(ContainerRuntime.Kind::executable).toArray(String[]::new);

    /** How a Pipeline spells {@code framework}: {@code maven}, {@code gradle}, {@code pytest}, {@code custom}. */
    static String spelling(Framework framework) {
        return framework.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The spelling {@code start()} and the agent expect ({@code 'Docker '} becomes {@code docker}) when {@code value}
     * is one of {@code allowed}; anything else unchanged, for {@link #notOneOf} to report as the user wrote it.
     */
    static String canonical(String value, String... allowed) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.asList(allowed).contains(v) ? v : value;
    }

    /** The problem of a choice field (without the step's name), or empty when {@code value} is one of {@code allowed}. */
    static Optional<String> notOneOf(String field, String value, String... allowed) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (Arrays.asList(allowed).contains(v)) {
            return Optional.empty();
        }
        return Optional.of(Messages.get("Validation.NotOneOf", field, value, String.join(", ", allowed)));
    }

    /** The problem of a number field (without the step's name), or empty when {@code value >= min}. */
    static Optional<String> below(String field, long value, long min) {
        if (value >= min) {
            return Optional.empty();
        }
        return Optional.of(Messages.get("Validation.AtLeast", field, Long.toString(value), Long.toString(min)));
    }

    /** {@code field: value is more than max; give max or less}, when {@code value} exceeds {@code max}. */
    static Optional<String> above(String field, long value, long max) {
        if (value <= max) {
            return Optional.empty();
        }
        return Optional.of(Messages.get("Validation.AtMost", field, Long.toString(value), Long.toString(max)));
    }

    /**
     * Fails with every problem, each on its own line and prefixed with the step's name; does nothing when there are
     * none.
     */
    static void check(String step, List<String> problems) throws AbortException {
        if (!problems.isEmpty()) {
            throw abort(step, problems);
        }
    }

    /** {@code <step>: <problem>}, one line per problem. */
    static AbortException abort(String step, List<String> problems) {
        List<String> lines = new ArrayList<>();
        problems.forEach(p -> lines.add(step + ": " + p));
        return new AbortException(String.join("\n", lines));
    }

    /** A form check's answer: the problem without the {@code <field>: } prefix the form shows beside the field. */
    static FormValidation form(String field, Optional<String> problem) {
        return problem.map(p -> FormValidation.error(p.startsWith(field + ": ") ? p.substring(field.length() + 2) : p))
                .orElse(FormValidation.ok());
    }

    /** A whole number typed into a form, or {@code fallback} for an empty field; {@code null} when it is not one. */
    static Long formNumber(String text, long fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The drop-down of a choice field in the snippet generator. */
    static ListBoxModel items(String... values) {
        ListBoxModel model = new ListBoxModel();
        for (String v : values) {
            model.add(new ListBoxModel.Option(v, v));
        }
        return model;
    }
}
