package io.jenkins.plugins.selftest.engine.coverage;

import java.util.Objects;

/** Coverage of one Java package ({@code name} with dots, "" for the default package). Immutable. */
public record PackageCoverage(String name, Counter instruction, Counter line, Counter branch, Counter method,
                              Counter clazz) {

    public PackageCoverage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(clazz, "clazz");
    }
}
