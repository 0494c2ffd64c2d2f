package io.jenkins.plugins.selftest.engine.orphans;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import java.util.List;

/**
 * The orphans of one run, sorted by class name, and the problems met while finding them (an unreadable class
 * file, an unreadable saved list). Immutable; written as {@code orphans.json} by {@link OrphanScanner#write}.
 *
 * @param language {@value CoverageSummary#JAVA} (orphan classes, {@link OrphanScanner}) or
 *                 {@value PythonCoverage#LANGUAGE} (orphan modules, {@link PythonOrphanScanner}; an orphan's
 *                 {@code className} is then a dotted module name). Since 1.1; missing in details written before,
 *                 which are Java.
 */
public record OrphanReport(List<Orphan> orphans, List<String> problems, String language) {

    /** No orphan report (orphans disabled, or nothing scanned yet). */
    public static final OrphanReport NONE = new OrphanReport(List.of(), List.of());

    public OrphanReport {
        orphans = List.copyOf(orphans);
        problems = List.copyOf(problems);
        language = language == null || language.isBlank() ? CoverageSummary.JAVA : language;
    }

    /** Orphan classes of Java code. */
    public OrphanReport(List<Orphan> orphans, List<String> problems) {
        this(orphans, problems, CoverageSummary.JAVA);
    }

    /** True for orphan Python modules. */
    public boolean isPython() {
        return PythonCoverage.LANGUAGE.equals(language);
    }

    public int total() {
        return orphans.size();
    }

    /** Orphans the run executed indirectly (the original's {@code orphan_passed}). */
    public int covered() {
        return (int) orphans.stream().filter(Orphan::covered).count();
    }

    /** Orphans nothing executed (the original's {@code orphan_failed}). */
    public int uncovered() {
        return total() - covered();
    }
}
