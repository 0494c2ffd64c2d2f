package io.jenkins.plugins.selftest.engine.orphans;

import java.util.Objects;

/**
 * One main class that no test references.
 *
 * @param className binary name with dots ({@code a.b.C$D})
 * @param viaOrphan true when it was found by recursion (reachable only through other orphans)
 * @param covered   true when the run still executed some of it (indirectly, through other code)
 */
public record Orphan(String className, boolean viaOrphan, boolean covered) {

    public Orphan {
        Objects.requireNonNull(className, "className");
    }
}
