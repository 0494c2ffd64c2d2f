package io.jenkins.plugins.selftest.engine.supervisor;

import java.util.List;

/** A service spec that cannot run; {@link #problems()} names each field and the fix. */
public final class SpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public SpecException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems in the service spec:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
