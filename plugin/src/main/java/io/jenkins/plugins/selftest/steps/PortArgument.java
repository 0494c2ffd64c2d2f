package io.jenkins.plugins.selftest.steps;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;

/**
 * Lets a {@code port} field take both spellings a Jenkinsfile uses, {@code port: 'auto'} and {@code port: 5432}: the
 * field is text (so the Snippet Generator's form binds it), and this model turns a number into its text before
 * Pipeline binds the arguments, and numeric text back into a number for the generated snippet. The descriptors of
 * the step, of a {@code service(...)} and of {@code ready(...)} implement it; structs finds it on the descriptor.
 */
interface PortArgument extends CustomDescribableModel {

    /** The argument that holds a port. */
    String PORT = "port";

    @Override
    default Map<String, Object> customInstantiate(Map<String, Object> arguments) {
        Object port = arguments.get(PORT);
        if (!(port instanceof Number)) {
            return arguments;
        }
        Map<String, Object> copy = new LinkedHashMap<>(arguments);
        copy.put(PORT, port.toString());
        return copy;
    }

    @Override
    default UninstantiatedDescribable customUninstantiate(UninstantiatedDescribable step) {
        Object port = step.getArguments().get(PORT);
        if (!(port instanceof String text) || !text.matches("[0-9]{1,5}")) {
            return step;
        }
        Map<String, Object> copy = new LinkedHashMap<>(step.getArguments());
        copy.put(PORT, Integer.parseInt(text));
        return step.withArguments(copy);
    }

    /** A port as the field keeps it: trimmed text, {@code null} for none (blank, or {@code 0} as the form sent it). */
    static String text(String port) {
        if (port == null || port.isBlank() || port.trim().equals("0")) {
            return null;
        }
        return port.trim();
    }

    /** A kept port as the engine's spec reads it: a number stays a number, {@code auto} (or a typo) stays text. */
    static Object specValue(String port) {
        return port.matches("-?[0-9]{1,9}") ? (Object) Integer.parseInt(port) : port;
    }
}
