package io.jenkins.plugins.selftest.engine.orphans;

import java.util.List;

/**
 * The orphans of one run, sorted by class name, and the problems met while finding them (an unreadable class
 * file, an unreadable saved list). Immutable; written as {@code orphans.json} by {@link OrphanScanner#write}.
 */
public record OrphanReport(List<Orphan> orphans, List<String> problems) {

    /** No orphan report (orphans disabled, or nothing scanned yet). */
    public static final OrphanReport NONE = new OrphanReport(List.of(), List.of());

    public OrphanReport {
        orphans = List.copyOf(orphans);
        problems = List.copyOf(problems);
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
