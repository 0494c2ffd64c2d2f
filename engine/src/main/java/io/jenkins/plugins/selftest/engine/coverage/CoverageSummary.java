package io.jenkins.plugins.selftest.engine.coverage;

import java.util.List;
import java.util.Set;

/**
 * The coverage of one run: totals, per-package figures, the classes that ran at all and the warnings met while
 * aggregating (an exec file that does not match the classes, an unreadable exec file, ...). Immutable; the JaCoCo
 * types stay inside {@link CoverageAggregator}.
 *
 * <p>For Python ({@link PythonCoverage}) the same figures mean: lines are statements, branches are coverage.py's
 * arcs, {@code clazz} counts modules (a module is covered when any of its lines ran), packages are Python packages,
 * {@code coveredClasses} holds dotted module names; instructions and methods are empty.
 *
 * @param coveredClasses binary names ({@code a/b/C$D} written as {@code a.b.C$D}) with at least one covered instruction
 * @param language       {@value #JAVA} (JaCoCo) or {@value PythonCoverage#LANGUAGE} (coverage.py); what pages call
 *                       the units. Since 1.1; missing in details written before, which are Java.
 */
public record CoverageSummary(Counter instruction, Counter line, Counter branch, Counter method, Counter clazz,
                              List<PackageCoverage> packages, Set<String> coveredClasses, List<String> warnings,
                              String language) {

    /** The language of JaCoCo's coverage, and of details written before the language was recorded. */
    public static final String JAVA = "java";

    /** No coverage data at all (coverage off, or nothing recorded yet). */
    public static final CoverageSummary NO_COVERAGE = new CoverageSummary(Counter.EMPTY, Counter.EMPTY, Counter.EMPTY,
            Counter.EMPTY, Counter.EMPTY, List.of(), Set.of(), List.of());

    public CoverageSummary {
        packages = List.copyOf(packages);
        coveredClasses = Set.copyOf(coveredClasses);
        warnings = List.copyOf(warnings);
        language = language == null || language.isBlank() ? JAVA : language;
    }

    /** A JaCoCo coverage. */
    public CoverageSummary(Counter instruction, Counter line, Counter branch, Counter method, Counter clazz,
                           List<PackageCoverage> packages, Set<String> coveredClasses, List<String> warnings) {
        this(instruction, line, branch, method, clazz, packages, coveredClasses, warnings, JAVA);
    }

    /** True when no class (or Python module) was analysed (the null object, or no class directories). */
    public boolean isEmpty() {
        return instruction.total() == 0 && clazz.total() == 0;
    }
}
