package io.jenkins.plugins.selftest.engine.orphans;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one orphan rule, for Java classes and Python modules alike, over units (top-level classes, modules) and the
 * references between them:
 * <ul>
 *   <li><b>tested</b>: units a test names, and everything reached from them;</li>
 *   <li><b>orphans</b>: untested units nothing else names, plus untested units that only name each other in a
 *       cycle;</li>
 *   <li><b>recursive</b> adds the untested units reachable only through those orphans ({@code viaOrphan}).</li>
 * </ul>
 * A pure function.
 */
final class OrphanGraph {

    private OrphanGraph() {
    }

    /**
     * @param units   every unit of the code under test
     * @param refs    unit -> the other units it names
     * @param tested  units a test names directly
     * @param name    a unit's name in the report
     * @param covered whether the run executed any of a unit
     * @return the orphans, sorted by unit
     */
    static List<Orphan> find(Set<String> units, Map<String, Set<String>> refs, Set<String> tested, boolean recursive,
                             Function<String, String> name, Predicate<String> covered) {
        Map<String, Integer> incoming = new TreeMap<>();
        for (String u : units) {
            for (String t : refs.getOrDefault(u, Set.of())) {
                if (!t.equals(u) && units.contains(t)) {
                    incoming.merge(t, 1, Integer::sum);
                }
            }
        }
        Set<String> start = new HashSet<>(tested);
        start.retainAll(units);
        Set<String> reached = closure(start, refs, units);
        Set<String> untested = new TreeSet<>(units);
        untested.removeAll(reached);

        Set<String> roots = new TreeSet<>();
        for (String c : untested) {
            if (incoming.getOrDefault(c, 0) == 0) {
                roots.add(c);
            }
        }
        Set<String> viaOrphan = closure(roots, refs, untested);
        viaOrphan.removeAll(roots);
        Set<String> cycles = new TreeSet<>(untested);
        cycles.removeAll(roots);
        cycles.removeAll(viaOrphan);
        roots.addAll(cycles); // only referenced among themselves: their own roots

        Map<String, Orphan> orphans = new TreeMap<>();
        for (String c : roots) {
            orphans.put(c, new Orphan(name.apply(c), false, covered.test(c)));
        }
        if (recursive) {
            for (String c : viaOrphan) {
                orphans.put(c, new Orphan(name.apply(c), true, covered.test(c)));
            }
        }
        return List.copyOf(orphans.values());
    }

    private static Set<String> closure(Set<String> start, Map<String, Set<String>> refs, Set<String> within) {
        Set<String> seen = new HashSet<>(start);
        Deque<String> todo = new ArrayDeque<>(start);
        while (!todo.isEmpty()) {
            for (String next : refs.getOrDefault(todo.pop(), Set.of())) {
                if (within.contains(next) && seen.add(next)) {
                    todo.push(next);
                }
            }
        }
        return seen;
    }
}
