package io.jenkins.plugins.selftest.engine.coverage;

import java.util.List;
import java.util.Set;

/**
 * The coverage of one run: totals, per-package figures, the classes that ran at all and the warnings met while
 * aggregating (an exec file that does not match the classes, an unreadable exec file, ...). Immutable; the JaCoCo
 * types stay inside {@link CoverageAggregator}.
 *
 * @param coveredClasses binary names ({@code a/b/C$D} written as {@code a.b.C$D}) with at least one covered instruction
 */
public record CoverageSummary(Counter instruction, Counter line, Counter branch, Counter method, Counter clazz,
                              List<PackageCoverage> packages, Set<String> coveredClasses, List<String> warnings) {

    /** No coverage data at all (coverage off, or nothing recorded yet). */
    public static final CoverageSummary NO_COVERAGE = new CoverageSummary(Counter.EMPTY, Counter.EMPTY, Counter.EMPTY,
            Counter.EMPTY, Counter.EMPTY, List.of(), Set.of(), List.of());

    public CoverageSummary {
        packages = List.copyOf(packages);
        coveredClasses = Set.copyOf(coveredClasses);
        warnings = List.copyOf(warnings);
    }

    /** True when no class was analysed (the null object, or no class directories). */
    public boolean isEmpty() {
        return instruction.total() == 0 && clazz.total() == 0;
    }
}
