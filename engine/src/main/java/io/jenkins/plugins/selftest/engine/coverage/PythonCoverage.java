package io.jenkins.plugins.selftest.engine.coverage;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coverage of pytest shards: each shard leaves coverage.py's own JSON report ({@code coverage json}, written
 * inside the shard, so this side never needs coverage.py), and they are combined here once, to the same figures as
 * {@code coverage combine} and a report of the combined data: per file the statements and the possible branches are
 * fixed (the counts of coverage.py's summary), so what stays missing is what every shard missed (the intersection of
 * the shards' missing lines and arcs), and what ran is the union. (The executed lists cannot be summed up instead:
 * coverage.py lists non-statements such as a module docstring among executed lines, and loop arcs among executed
 * branches.) The result feeds the same {@link CoverageSummary} as JaCoCo's (lines, branches, modules as "classes",
 * packages), so summaries, history, metrics, trends and pages show it without special cases; instructions and
 * methods stay empty.
 *
 * <p>Bounded: a data file larger than {@value #MAX_FILE_BYTES} bytes, more than {@value #MAX_SOURCE_FILES} files or
 * line numbers beyond {@value #MAX_LINE} are named warnings, never exceptions. Stateless and thread-safe.
 */
public final class PythonCoverage {

    /** The HTML report's directory inside the report directory. */
    public static final String HTML_DIR = "python-coverage";
    /** A shard's data file name: {@code coverage-<shard>.json} in its reports directory. */
    public static final String DATA_PREFIX = "coverage-";
    /** A shard's one-line coverage problem (no pytest-cov, no data), written by its script. */
    public static final String PROBLEM_FILE = "coverage-problem.txt";
    /** The language {@link CoverageSummary#language()} names for this coverage. */
    public static final String LANGUAGE = "python";

    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    static final int MAX_SOURCE_FILES = 50_000;
    static final int MAX_LINE = 1_000_000;

    private PythonCoverage() {
    }

    /** An arc of coverage.py's branch measurement: from a line to a line (negative: leaving the code object). */
    record Arc(int from, int to) implements Comparable<Arc> {
        @Override
        public int compareTo(Arc o) {
            return from != o.from ? Integer.compare(from, o.from) : Integer.compare(to, o.to);
        }
    }

    /**
     * One source file's measurement.
     *
     * @param statements   coverage.py's statement count
     * @param missing      statements that did not run
     * @param executed     lines that ran (may hold non-statements: shown, not counted)
     * @param branches     coverage.py's count of possible branch arcs
     * @param missingArcs  branch arcs never taken
     */
    record FileData(int statements, Set<Integer> missing, Set<Integer> executed, int branches, Set<Arc> missingArcs) {

        Counter lines() {
            int missed = Math.min(missing.size(), statements);
            return new Counter(statements - missed, missed);
        }

        Counter branchCounter() {
            int missed = Math.min(missingArcs.size(), branches);
            return new Counter(branches - missed, missed);
        }

        /** Lines that ran with a branch not taken (coverage.py's "partial"). */
        Set<Integer> partialLines() {
            Set<Integer> partial = new TreeSet<>();
            for (Arc a : missingArcs) {
                if (executed.contains(a.from()) && !missing.contains(a.from())) {
                    partial.add(a.from());
                }
            }
            return partial;
        }

        /** This file's measurement combined with another shard's of the same file. */
        FileData and(FileData other) {
            Set<Integer> stillMissing = new TreeSet<>(missing);
            stillMissing.retainAll(other.missing);
            Set<Integer> ran = new TreeSet<>(executed);
            ran.addAll(other.executed);
            Set<Arc> arcs = new TreeSet<>(missingArcs);
            arcs.retainAll(other.missingArcs);
            return new FileData(Math.max(statements, other.statements), stillMissing, ran,
                    Math.max(branches, other.branches), arcs);
        }
    }

    /**
     * Reads one coverage.py JSON report ({@code files} -> executed/missing lines and branches).
     *
     * @throws IOException naming the file when it is too large, not JSON or not coverage.py's report
     */
    static Map<String, FileData> read(Path json) throws IOException {
        long size = Files.size(json);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(json + ": " + size + " bytes, more than a coverage.py report may have ("
                    + MAX_FILE_BYTES + "); skipped");
        }
        Object root;
        try {
            root = Json.readPlain(json);
        } catch (java.nio.file.NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; skipped", e);
        }
        if (!(member(root, "files") instanceof Map<?, ?> files)) {
            throw new IOException(json + ": not a coverage.py JSON report (no \"files\"); skipped");
        }
        if (files.size() > MAX_SOURCE_FILES) {
            throw new IOException(json + ": " + files.size() + " source files, more than " + MAX_SOURCE_FILES
                    + "; skipped");
        }
        Map<String, FileData> data = new TreeMap<>();
        for (var e : files.entrySet()) {
            Object f = e.getValue();
            Object summary = member(f, "summary");
            Set<Integer> missing = lines(member(f, "missing_lines"), json);
            Set<Arc> missingArcs = arcs(member(f, "missing_branches"), json);
            int statements = count(summary, "num_statements", missing.size(), json);
            int branches = count(summary, "num_branches", missingArcs.size(), json);
            data.put(((String) e.getKey()).replace('\\', '/'), new FileData(statements, missing,
                    lines(member(f, "executed_lines"), json), branches, missingArcs));
        }
        return data;
    }

    /** The member {@code name} of a JSON object, or null when {@code value} is no object or has none. */
    private static Object member(Object value, String name) {
        return value instanceof Map<?, ?> m ? m.get(name) : null;
    }

    /** Combines shards' data as {@code coverage combine} does. */
    static Map<String, FileData> merge(List<Map<String, FileData>> shards) {
        Map<String, FileData> all = new TreeMap<>();
        for (Map<String, FileData> shard : shards) {
            shard.forEach((file, d) -> all.merge(file, d, FileData::and));
        }
        return all;
    }

    /**
     * Combines the shards' data files into one coverage; when {@code reportDir} is present, also writes the HTML
     * report to {@code reportDir/}{@value #HTML_DIR}{@code /index.html} (sources read inside {@code workspace} only).
     *
     * @param dataFiles each shard's {@code coverage json} output
     * @throws IOException only when the report cannot be written
     */
    public static CoverageSummary aggregate(List<Path> dataFiles, Path workspace, PythonSources sources,
                                            Optional<Path> reportDir) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<Map<String, FileData>> shards = new ArrayList<>();
        for (Path f : dataFiles) {
            try {
                shards.add(read(f));
            } catch (IOException | RuntimeException e) {
                warnings.add(e.getMessage());
            }
        }
        Map<String, FileData> merged = merge(shards);
        Map<String, String> modules = new LinkedHashMap<>();
        for (String file : merged.keySet()) {
            modules.put(file, sources.moduleOf(file).orElse(file));
        }
        Map<String, Counter[]> packages = new TreeMap<>();
        Counter line = Counter.EMPTY;
        Counter branch = Counter.EMPTY;
        Counter module = Counter.EMPTY;
        Set<String> covered = new TreeSet<>();
        for (var e : merged.entrySet()) {
            FileData d = e.getValue();
            String name = modules.get(e.getKey());
            boolean ran = d.lines().covered() > 0;
            if (ran) {
                covered.add(name);
            }
            Counter m = ran ? new Counter(1, 0) : new Counter(0, 1);
            line = line.plus(d.lines());
            branch = branch.plus(d.branchCounter());
            module = module.plus(m);
            Counter[] p = packages.computeIfAbsent(PythonSources.packageOf(name, e.getKey()),
                    k -> new Counter[] {Counter.EMPTY, Counter.EMPTY, Counter.EMPTY});
            p[0] = p[0].plus(d.lines());
            p[1] = p[1].plus(d.branchCounter());
            p[2] = p[2].plus(m);
        }
        List<PackageCoverage> perPackage = new ArrayList<>();
        packages.forEach((name, c) -> perPackage.add(new PackageCoverage(name, Counter.EMPTY, c[0], c[1],
                Counter.EMPTY, c[2])));
        if (!dataFiles.isEmpty() && merged.isEmpty() && warnings.isEmpty()) {
            warnings.add("the shards' coverage data name no source file: check coverageSources ("
                    + String.join(", ", sources.targets()) + ")");
        }
        if (reportDir.isPresent()) {
            PythonCoverageHtml.write(merged, modules, workspace, reportDir.get().resolve(HTML_DIR), warnings);
        }
        return new CoverageSummary(Counter.EMPTY, line, branch, Counter.EMPTY, module, perPackage, covered, warnings,
                LANGUAGE);
    }

    private static Set<Integer> lines(Object value, Path json) throws IOException {
        if (!(value instanceof List<?> array)) {
            return Collections.emptySet();
        }
        Set<Integer> lines = new TreeSet<>();
        for (Object n : array) {
            lines.add(lineNumber(n, json));
        }
        return lines;
    }

    private static Set<Arc> arcs(Object value, Path json) throws IOException {
        if (!(value instanceof List<?> array)) {
            return Collections.emptySet();
        }
        Set<Arc> arcs = new TreeSet<>();
        for (Object n : array) {
            if (!(n instanceof List<?> pair) || pair.size() != 2) {
                throw new IOException(json + ": a branch is not a [from, to] pair; skipped");
            }
            arcs.add(new Arc(lineNumber(pair.get(0), json), lineNumber(pair.get(1), json)));
        }
        return arcs;
    }

    private static int count(Object summary, String field, int atLeast, Path json) throws IOException {
        Object n = member(summary, field);
        if (n == null) {
            return atLeast; // coverage json without a summary: the missing ones are all we know of
        }
        if (!(n instanceof Integer c) || c < atLeast || c > MAX_LINE) {
            throw new IOException(json + ": " + field + " is not a count of at least " + atLeast + "; skipped");
        }
        return c;
    }

    private static int lineNumber(Object n, Path json) throws IOException {
        if (!(n instanceof Integer line) || line < -MAX_LINE || line > MAX_LINE) {
            throw new IOException(json + ": a line number is not a number up to " + MAX_LINE + "; skipped");
        }
        return line;
    }
}
