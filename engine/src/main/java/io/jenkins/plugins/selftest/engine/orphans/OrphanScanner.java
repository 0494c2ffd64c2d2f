package io.jenkins.plugins.selftest.engine.orphans;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.HtmlText;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds main classes that no test references, from bytecode: the constant pools of the test classes name every
 * class they use (see {@link ClassReferences}).
 *
 * <p>The unit is the top-level class (a source file): a nested or anonymous class belongs to its top-level class,
 * and the top-level class counts as tested when a test names any class of it. Then:
 * <ul>
 *   <li><b>tested</b>: top-level classes a test class names, and everything main code reaches from them;</li>
 *   <li><b>orphans</b> (always reported): untested classes that no other main class names either, plus untested
 *       classes that only reference each other in a cycle;</li>
 *   <li><b>recursive</b> adds the untested classes reachable only through those orphans ({@code viaOrphan}).</li>
 * </ul>
 * Each orphan is crossed with coverage: {@code covered} when any class of it ran (indirectly, e.g. through
 * reflection or a {@code main} method).
 *
 * <p>With a saved list ({@link OrphanOptions#savedList()}) that exists and no refresh, the saved class names are
 * reused (restricted to classes that still exist) instead of scanning; after a scan, the list is saved there.
 * Stateless and thread-safe.
 */
public final class OrphanScanner {

    public static final String JSON_FILE = "orphans.json";
    public static final String HTML_FILE = "orphans.html";

    private OrphanScanner() {
    }

    /**
     * @param mainClassDirs class directories or jars of the code under test
     * @param testClassDirs class directories or jars of the tests
     * @throws IOException only when the saved list cannot be written
     */
    public static OrphanReport scan(List<Path> mainClassDirs, List<Path> testClassDirs, OrphanOptions options,
                                    CoverageSummary coverage) throws IOException {
        if (!options.enabled()) {
            return OrphanReport.NONE;
        }
        List<String> problems = new ArrayList<>();
        Map<String, ClassReferences> main = readAll(mainClassDirs, problems);
        Map<String, ClassReferences> tests = readAll(testClassDirs, problems);
        main.keySet().removeAll(tests.keySet()); // a class in both is a test class

        if (options.savedList().isPresent() && Files.isRegularFile(options.savedList().get()) && !options.refresh()) {
            return fromSavedList(options.savedList().get(), main, coverage, problems);
        }
        if (!options.discover()) {
            return new OrphanReport(List.of(), problems);
        }
        OrphanReport report = new OrphanReport(find(main, tests, options.recursive(), coverage), problems);
        if (options.savedList().isPresent()) {
            Json.writeAtomically(options.savedList().get(), OrphansFile.of(report));
        }
        return report;
    }

    private static OrphanReport fromSavedList(Path saved, Map<String, ClassReferences> main, CoverageSummary coverage,
                                              List<String> problems) {
        Optional<List<Orphan>> file = readSaved(saved, problems);
        if (file.isEmpty()) {
            return new OrphanReport(List.of(), problems);
        }
        Map<String, Set<String>> nests = nests(main.keySet());
        List<Orphan> orphans = new ArrayList<>();
        for (Orphan o : file.get()) {
            String top = o.className().replace('.', '/');
            if (main.isEmpty() || nests.containsKey(top)) {
                orphans.add(new Orphan(o.className(), o.viaOrphan(), covered(nests.getOrDefault(top, Set.of(top)), coverage)));
            }
        }
        return new OrphanReport(orphans, problems);
    }

    /** The orphans of a saved list, or empty (with a problem) when it cannot be read. */
    static Optional<List<Orphan>> readSaved(Path saved, List<String> problems) {
        try {
            OrphansFile file = Json.read(saved, OrphansFile.class);
            return Optional.of(file.orphans() == null ? List.of() : file.orphans());
        } catch (IOException | RuntimeException e) {
            problems.add(saved + ": cannot read the saved orphan list (" + e.getMessage()
                    + ") - delete it or refresh the orphan scan");
            return Optional.empty();
        }
    }

    private static List<Orphan> find(Map<String, ClassReferences> main, Map<String, ClassReferences> tests,
                                     boolean recursive, CoverageSummary coverage) {
        Map<String, Set<String>> nests = nests(main.keySet());
        // references between top-level classes, own nest members ignored
        Map<String, Set<String>> refs = new HashMap<>();
        for (String top : nests.keySet()) {
            Set<String> out = new HashSet<>();
            for (String member : nests.get(top)) {
                for (String name : main.get(member).names()) {
                    String target = topLevel(name);
                    if (!target.equals(top) && nests.containsKey(target)) {
                        out.add(target);
                    }
                }
            }
            refs.put(top, out);
        }
        Set<String> tested = new HashSet<>();
        for (ClassReferences t : tests.values()) {
            for (String name : t.names()) {
                String target = topLevel(name);
                if (nests.containsKey(target)) {
                    tested.add(target);
                }
            }
        }
        return OrphanGraph.find(nests.keySet(), refs, tested, recursive, c -> c.replace('/', '.'),
                c -> covered(nests.get(c), coverage));
    }

    private static boolean covered(Set<String> nest, CoverageSummary coverage) {
        return nest.stream().anyMatch(n -> coverage.coveredClasses().contains(n.replace('/', '.')));
    }

    /** top-level internal name -> its classes (itself and nested ones). */
    private static Map<String, Set<String>> nests(Set<String> classes) {
        Map<String, Set<String>> nests = new TreeMap<>();
        for (String c : classes) {
            nests.computeIfAbsent(topLevel(c), k -> new TreeSet<>()).add(c);
        }
        return nests;
    }

    private static String topLevel(String internalName) {
        int slash = internalName.lastIndexOf('/');
        int dollar = internalName.indexOf('$', slash + 1);
        // "$" as first character of a simple name is a legal, if odd, class name
        return dollar > slash + 1 ? internalName.substring(0, dollar) : internalName;
    }

    private static Map<String, ClassReferences> readAll(List<Path> roots, List<String> problems) {
        Map<String, ClassReferences> classes = new HashMap<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path f : walk.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                        read(f.toString(), Files.readAllBytes(f), classes, problems);
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    problems.add(root + ": cannot read class files (" + e.getMessage() + ")");
                }
            } else if (Files.isRegularFile(root) && root.toString().endsWith(".jar")) {
                try (ZipFile jar = new ZipFile(root.toFile())) {
                    for (ZipEntry e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                        try (InputStream in = jar.getInputStream(e)) {
                            read(root + "!/" + e.getName(), in.readAllBytes(), classes, problems);
                        }
                    }
                } catch (IOException e) {
                    problems.add(root + ": cannot read jar (" + e.getMessage() + ")");
                }
            } else {
                problems.add(root + ": no such class directory or jar - compile the project first");
            }
        }
        return classes;
    }

    private static void read(String where, byte[] bytes, Map<String, ClassReferences> classes, List<String> problems) {
        try {
            ClassReferences refs = ClassReferences.read(bytes);
            String simple = refs.className().substring(refs.className().lastIndexOf('/') + 1);
            if (!simple.equals("module-info") && !simple.equals("package-info") && !where.contains("META-INF/versions/")) {
                classes.put(refs.className(), refs);
            }
        } catch (IOException e) {
            problems.add(where + ": unreadable class file (" + e.getMessage() + "), skipped");
        }
    }

    /**
     * Writes {@code orphans.json} (totals, orphans, problems; the format a saved list is read from) and a readable
     * {@code orphans.html} into {@code reportDir}.
     */
    public static void write(OrphanReport report, Path reportDir) throws IOException {
        Files.createDirectories(reportDir);
        Json.writeAtomically(reportDir.resolve(JSON_FILE), OrphansFile.of(report));
        Files.writeString(reportDir.resolve(HTML_FILE), html(report), StandardCharsets.UTF_8);
    }

    private static String html(OrphanReport report) {
        boolean py = report.isPython();
        String units = py ? "modules" : "classes";
        StringBuilder sb = new StringBuilder(1024 + 160 * report.total());
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Orphan ").append(units)
                .append("</title>\n")
                .append("<meta name=\"color-scheme\" content=\"light dark\">\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{padding:.25em .75em;border-bottom:1px solid #8884;text-align:left}")
                .append(".no{color:#c0392b}.yes{color:#27ae60}code{font-size:.95em}</style></head><body>\n")
                .append("<h1>Orphan ").append(units).append("</h1>\n<p>")
                .append(py ? "Modules under the source roots that no test file imports: "
                        : "Main classes that no test class references: ")
                .append(report.total()).append(" in total, ").append(report.covered()).append(" covered indirectly, ")
                .append(report.uncovered()).append(" not covered at all.</p>\n");
        if (!report.problems().isEmpty()) {
            sb.append("<h2>Problems</h2>\n<ul>\n");
            report.problems().forEach(p -> sb.append("<li>").append(escape(p)).append("</li>\n"));
            sb.append("</ul>\n");
        }
        sb.append("<table><thead><tr><th>").append(py ? "Module" : "Class")
                .append("</th><th>Found</th><th>Coverage</th></tr></thead><tbody>\n");
        for (Orphan o : report.orphans()) {
            sb.append("<tr><td><code>").append(escape(o.className())).append("</code></td><td>")
                    .append(o.viaOrphan() ? (py ? "imported only by orphans" : "only reachable through orphans")
                            : (py ? "not imported by any test file" : "not referenced by any test"))
                    .append("</td><td class=\"").append(o.covered() ? "yes\">covered indirectly" : "no\">not covered")
                    .append("</td></tr>\n");
        }
        return sb.append("</tbody></table>\n</body></html>\n").toString();
    }

    static String escape(String s) {
        return HtmlText.escape(s);
    }

    /** The on-disk form of {@code orphans.json}. */
    record OrphansFile(int total, int covered, int uncovered, List<Orphan> orphans, List<String> problems) {
        static OrphansFile of(OrphanReport r) {
            return new OrphansFile(r.total(), r.covered(), r.uncovered(), r.orphans(), r.problems());
        }
    }
}
