package io.jenkins.plugins.selftest.engine.orphans;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.coverage.PythonSources;
import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
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

/**
 * Finds Python modules that no test file imports, from the imports of the sources ({@link PythonImports}), as the
 * original tool's {@code find_orphan_modules} did, by the same rule as Java's orphan classes ({@link OrphanGraph}):
 * the units are the modules under the source roots ({@link PythonSources}; a package's {@code __init__} is its own
 * module), the tests are every test file ({@code test_*.py}, {@code *_test.py}) and {@code conftest.py} of the
 * workspace. A module is tested when a test file imports it (importing {@code a.b.c} also imports {@code a} and
 * {@code a.b}; {@code from a.b import c} imports the module {@code a.b.c} when there is one), or when tested code
 * imports it; orphans are the untested modules nothing imports, and with {@link OrphanOptions#recursive()} those
 * imported only by orphans. Each is crossed with coverage: {@code covered} when any of its lines ran.
 *
 * <p>A saved list ({@link OrphanOptions#savedList()}) works as for Java. Bounded: files over
 * {@value #MAX_FILE_BYTES} bytes are skipped with a problem, at most {@value #MAX_FILES} files are read. Stateless and
 * thread-safe.
 */
public final class PythonOrphanScanner {

    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    static final int MAX_FILES = 50_000;

    /** Where test files are looked for, relative to the workspace (pytest's default naming). */
    static final List<String> TEST_GLOBS = List.of("**/test_*.py", "**/*_test.py", "**/conftest.py");

    private PythonOrphanScanner() {
    }

    /**
     * @throws IOException only when the saved list cannot be written
     */
    public static OrphanReport scan(Path workspace, PythonSources sources, OrphanOptions options,
                                    CoverageSummary coverage) throws IOException {
        if (!options.enabled()) {
            return OrphanReport.NONE;
        }
        Path ws = workspace.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        if (sources.isEmpty()) {
            problems.add("orphan modules: no Python source root found (no src/ and no top-level package): give"
                    + " coverageSources (the source directories)");
            return report(List.of(), problems);
        }
        Set<String> testFiles = new HashSet<>();
        for (Path f : WorkspaceFiles.files(ws, TEST_GLOBS)) {
            String rel = ws.relativize(f).toString().replace('\\', '/');
            if (!ignored(rel)) {
                testFiles.add(rel);
            }
        }
        Map<String, String> modules = new TreeMap<>(); // module -> file
        for (String f : sources.files(ws)) {
            if (!testFiles.contains(f) && !ignored(f)) {
                sources.moduleOf(f).ifPresent(m -> modules.putIfAbsent(m, f));
            }
        }
        Set<String> covered = new HashSet<>(coverage.coveredClasses());
        if (options.savedList().isPresent() && Files.isRegularFile(options.savedList().get()) && !options.refresh()) {
            List<Orphan> orphans = new ArrayList<>();
            OrphanScanner.readSaved(options.savedList().get(), problems).orElse(List.of()).stream()
                    .filter(o -> modules.containsKey(o.className()))
                    .forEach(o -> orphans.add(new Orphan(o.className(), o.viaOrphan(), covered.contains(o.className()))));
            return report(orphans, problems);
        }
        if (!options.discover()) {
            return report(List.of(), problems);
        }
        int[] budget = {MAX_FILES};
        Map<String, Set<String>> refs = new HashMap<>();
        for (var e : modules.entrySet()) {
            refs.put(e.getKey(), imported(ws, e.getValue(), Optional.of(e.getKey()), modules, problems, budget));
        }
        Set<String> tested = new HashSet<>();
        for (String t : testFiles.stream().sorted().toList()) {
            tested.addAll(imported(ws, t, sources.moduleOf(t), modules, problems, budget));
        }
        OrphanReport report = report(OrphanGraph.find(modules.keySet(), refs, tested, options.recursive(), m -> m,
                covered::contains), problems);
        if (options.savedList().isPresent()) {
            Json.writeAtomically(options.savedList().get(), OrphanScanner.OrphansFile.of(report));
        }
        return report;
    }

    private static OrphanReport report(List<Orphan> orphans, List<String> problems) {
        return new OrphanReport(orphans, problems, PythonCoverage.LANGUAGE);
    }

    /** Virtual environments, caches and installed packages are no project code. */
    private static boolean ignored(String rel) {
        for (String part : rel.split("/")) {
            if (part.startsWith(".") || part.equals("__pycache__") || part.equals("site-packages")
                    || part.equals("node_modules")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The known modules a file imports.
     *
     * @param self the file's own module, for relative imports; empty for a test file outside the source roots
     */
    private static Set<String> imported(Path ws, String file, Optional<String> self, Map<String, String> modules,
                                        List<String> problems, int[] budget) {
        Set<String> out = new HashSet<>();
        if (budget[0]-- <= 0) {
            if (budget[0] == -1) {
                problems.add("orphan modules: more than " + MAX_FILES + " Python files; the rest were not read");
            }
            return out;
        }
        String source;
        try {
            Path p = WorkspaceFiles.inside(ws, file);
            if (Files.size(p) > MAX_FILE_BYTES) {
                problems.add(file + ": larger than " + MAX_FILE_BYTES + " bytes, its imports were not read");
                return out;
            }
            source = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString();
        } catch (IOException | IllegalArgumentException e) {
            problems.add(file + ": cannot read its imports (" + e.getMessage() + ")");
            return out;
        }
        String pkg = self.map(m -> file.endsWith("__init__.py") ? m : parent(m)).orElse(null);
        for (PythonImports.Import i : PythonImports.read(source)) {
            String base;
            if (i.level() == 0) {
                base = i.module();
            } else {
                if (pkg == null) {
                    continue; // a relative import among tests: no code under test
                }
                String anchor = pkg;
                for (int up = 1; up < i.level() && anchor != null; up++) {
                    anchor = parent(anchor);
                }
                if (anchor == null || anchor.isEmpty()) {
                    continue;
                }
                base = i.module().isEmpty() ? anchor : anchor + "." + i.module();
            }
            for (String prefix = base; prefix != null && !prefix.isEmpty(); prefix = parent(prefix)) {
                if (modules.containsKey(prefix)) {
                    out.add(prefix);
                }
            }
            for (String name : i.names()) {
                if (modules.containsKey(base + "." + name)) {
                    out.add(base + "." + name);
                }
            }
        }
        self.ifPresent(out::remove);
        return out;
    }

    private static String parent(String module) {
        int dot = module.lastIndexOf('.');
        return dot < 0 ? null : module.substring(0, dot);
    }
}
