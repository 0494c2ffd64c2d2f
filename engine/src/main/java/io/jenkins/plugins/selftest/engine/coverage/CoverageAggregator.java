package io.jenkins.plugins.selftest.engine.coverage;

import io.jenkins.plugins.selftest.engine.files.IoTasks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jacoco.core.analysis.Analyzer;
import org.jacoco.core.analysis.CoverageBuilder;
import org.jacoco.core.analysis.IBundleCoverage;
import org.jacoco.core.analysis.IClassCoverage;
import org.jacoco.core.analysis.ICounter;
import org.jacoco.core.analysis.ICoverageNode;
import org.jacoco.core.analysis.IPackageCoverage;
import org.jacoco.core.data.ExecutionDataStore;
import org.jacoco.core.tools.ExecFileLoader;
import org.jacoco.report.DirectorySourceFileLocator;
import org.jacoco.report.FileMultiReportOutput;
import org.jacoco.report.IReportVisitor;
import org.jacoco.report.MultiSourceFileLocator;
import org.jacoco.report.html.HTMLFormatter;
import org.jacoco.report.xml.XMLFormatter;

/**
 * Merges every JaCoCo exec file into one {@code ExecFileLoader}, analyses the classes once, and converts JaCoCo's
 * bundle into a {@link CoverageSummary} at this boundary (JaCoCo types never leave this class).
 *
 * <p>Problems with the inputs are warnings, never exceptions: an exec file that is not one, is too large or claims
 * more than it holds ({@link ExecFile}: skipped, or whatever was read before the damage is kept), a missing class
 * directory, an unreadable class file or a second, different class of the same name (each costs only itself), and
 * exec data that does
 * not match the analysed classes (a class recompiled after the run: its coverage is reported as missed).
 *
 * <p>Stateless and thread-safe. One call uses up to {@link #THREADS} short-lived threads of its own: the class
 * files are analysed in slices at once (results merged in file order, so nothing depends on timing) and the HTML
 * and XML reports are written side by side.
 */
public final class CoverageAggregator {

    /** The HTML report's directory inside the report directory. */
    public static final String HTML_DIR = "jacoco";
    /** The XML report's file name inside the report directory. */
    public static final String XML_FILE = "jacoco.xml";

    static final int MAX_NAMED_CLASSES = 10;
    /** Threads used for analysis (and two for the reports): a short burst, bounded so a build agent stays usable. */
    static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Fewer files than this per thread are not worth a thread. */
    static final int MIN_SLICE = 64;
    private static final int TAB_WIDTH = 4;

    private CoverageAggregator() {
    }

    /**
     * Aggregates {@code in}; when {@code reportDir} is present, also writes JaCoCo's HTML report to
     * {@code reportDir/jacoco/index.html} and its XML report to {@code reportDir/jacoco.xml}.
     *
     * @throws IOException only when the report cannot be written
     */
    public static CoverageSummary aggregate(CoverageInput in, Optional<Path> reportDir) throws IOException {
        return aggregate(in, reportDir, THREADS);
    }

    static CoverageSummary aggregate(CoverageInput in, Optional<Path> reportDir, int threads) throws IOException {
        List<String> warnings = new ArrayList<>();
        ExecFileLoader loader = new ExecFileLoader();
        for (Path exec : in.execFiles()) {
            ExecFile.load(exec, loader).ifPresent(warnings::add);
        }

        // file by file, so that one bad or conflicting class file costs only itself
        List<ClassFile> files = new ArrayList<>();
        for (Path dir : in.classDirectories()) {
            if (!Files.exists(dir)) {
                warnings.add(dir + ": class directory does not exist - compile the project before aggregating coverage");
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).sorted().forEach(f -> files.add(new ClassFile(dir, f)));
            } catch (IOException | java.io.UncheckedIOException e) {
                warnings.add(dir + ": cannot list class files (" + e.getMessage() + ")");
            }
        }
        List<String> unanalysed = new ArrayList<>();
        List<IClassCoverage> analysed = analyse(files, loader.getExecutionDataStore(), unanalysed, threads);

        // CoverageBuilder would replace a class by a different one of the same name and throw: keep the first
        CoverageBuilder builder = new CoverageBuilder();
        Map<String, Long> ids = new HashMap<>();
        Set<String> conflicts = new TreeSet<>();
        for (IClassCoverage coverage : analysed) {
            Long id = ids.putIfAbsent(coverage.getName(), coverage.getId());
            if (id == null) {
                builder.visitCoverage(coverage);
            } else if (id != coverage.getId()) {
                conflicts.add(coverage.getName());
            }
        }
        if (!conflicts.isEmpty()) {
            warnings.add(conflicts.size() + " class(es) found more than once with different content, the first one found"
                    + " is used - pass each class directory only once: " + names(List.copyOf(conflicts)));
        }
        if (!unanalysed.isEmpty()) {
            warnings.add(unanalysed.size() + " class file(s) could not be analysed and are left out: " + listed(unanalysed));
        }

        Set<String> classIds = new HashSet<>();
        builder.getClasses().forEach(c -> classIds.add(c.getName()));
        long execClasses = loader.getExecutionDataStore().getContents().size();
        long matched = loader.getExecutionDataStore().getContents().stream()
                .filter(d -> classIds.contains(d.getName())).count();
        if (!in.execFiles().isEmpty() && execClasses > 0 && matched == 0 && !classIds.isEmpty()) {
            warnings.add("none of the " + classIds.size() + " analysed classes ran in the tests (the exec data holds "
                    + execClasses + " other classes): either the tests do not use the project's main code, or the class"
                    + " directories are not those of the tested project");
        }
        List<String> noMatch = builder.getNoMatchClasses().stream().map(IClassCoverage::getName).sorted().toList();
        if (!noMatch.isEmpty()) {
            warnings.add(noMatch.size() + " class(es) do not match the execution data (compiled again after the tests"
                    + " ran?), their coverage counts as missed: " + names(noMatch));
        }

        IBundleCoverage bundle = builder.getBundle("coverage");
        if (reportDir.isPresent()) {
            writeReports(loader, bundle, in.sourceDirectories(), reportDir.get());
        }
        return summarize(bundle, warnings);
    }

    private record ClassFile(Path root, Path file) {
    }

    /**
     * Analyses the files in up to {@code threads} contiguous slices of at least {@link #MIN_SLICE} files at once (an {@code Analyzer} per slice; the execution
     * data is only read) and returns the class coverages in file order, so the result does not depend on timing.
     */
    private static List<IClassCoverage> analyse(List<ClassFile> files, ExecutionDataStore data, List<String> unanalysed,
                                                int threads) throws IOException {
        int slices = Math.max(1, Math.min(threads, files.size() / MIN_SLICE));
        List<Callable<Slice>> work = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            List<ClassFile> slice = files.subList(files.size() * i / slices, files.size() * (i + 1) / slices);
            work.add(() -> analyseSlice(slice, data));
        }
        List<IClassCoverage> all = new ArrayList<>();
        for (Slice done : runAll(work, "coverage-analysis")) {
            all.addAll(done.classes());
            unanalysed.addAll(done.failures());
        }
        return all;
    }

    private record Slice(List<IClassCoverage> classes, List<String> failures) {
    }

    private static Slice analyseSlice(List<ClassFile> files, ExecutionDataStore data) {
        List<IClassCoverage> classes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Analyzer analyzer = new Analyzer(data, classes::add);
        for (ClassFile f : files) {
            try {
                analyzer.analyzeAll(f.file().toFile());
            } catch (IOException | RuntimeException e) {
                failures.add(f.root().relativize(f.file()) + " (" + rootMessage(e) + ")");
            }
        }
        return new Slice(classes, failures);
    }

    /** Runs the tasks on threads of their own (one task: on the caller's thread) and returns results in task order. */
    private static <T> List<T> runAll(List<Callable<T>> tasks, String name) throws IOException {
        if (tasks.size() == 1) {
            try {
                return List.of(tasks.get(0).call());
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) {
                results.add(IoTasks.await(f, name));
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(name + " interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void visit(IReportVisitor visitor, ExecFileLoader loader, IBundleCoverage bundle,
                              MultiSourceFileLocator locator) throws IOException {
        visitor.visitInfo(loader.getSessionInfoStore().getInfos(), loader.getExecutionDataStore().getContents());
        visitor.visitBundle(bundle, locator);
        visitor.visitEnd();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static String names(List<String> internalNames) {
        return listed(internalNames.stream().map(n -> n.replace('/', '.')).toList());
    }

    private static String listed(List<String> items) {
        List<String> shown = items.stream().limit(MAX_NAMED_CLASSES).toList();
        String more = items.size() > shown.size() ? " and " + (items.size() - shown.size()) + " more" : "";
        return String.join(", ", shown) + more;
    }

    private static CoverageSummary summarize(IBundleCoverage bundle, List<String> warnings) {
        List<PackageCoverage> packages = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (IPackageCoverage p : bundle.getPackages()) {
            packages.add(new PackageCoverage(p.getName().replace('/', '.'), counter(p.getInstructionCounter()),
                    counter(p.getLineCounter()), counter(p.getBranchCounter()), counter(p.getMethodCounter()),
                    counter(p.getClassCounter())));
            for (IClassCoverage c : p.getClasses()) {
                if (c.getInstructionCounter().getCoveredCount() > 0) {
                    covered.add(c.getName().replace('/', '.'));
                }
            }
        }
        packages.sort(Comparator.comparing(PackageCoverage::name));
        ICoverageNode b = bundle;
        return new CoverageSummary(counter(b.getInstructionCounter()), counter(b.getLineCounter()),
                counter(b.getBranchCounter()), counter(b.getMethodCounter()), counter(b.getClassCounter()),
                packages, covered, warnings);
    }

    private static Counter counter(ICounter c) {
        return new Counter(c.getCoveredCount(), c.getMissedCount());
    }

    private static void writeReports(ExecFileLoader loader, IBundleCoverage bundle, List<Path> sources, Path reportDir)
            throws IOException {
        Path htmlDir = reportDir.resolve(HTML_DIR);
        Files.createDirectories(htmlDir);
        MultiSourceFileLocator locator = new MultiSourceFileLocator(TAB_WIDTH);
        for (Path src : sources) {
            if (Files.isDirectory(src)) {
                locator.add(new DirectorySourceFileLocator(src.toFile(), "UTF-8", TAB_WIDTH));
            }
        }
        // HTML and XML from the same immutable bundle, each on its own thread
        List<Callable<Void>> reports = List.of(
                () -> {
                    IReportVisitor html = new HTMLFormatter().createVisitor(new FileMultiReportOutput(htmlDir.toFile()));
                    visit(html, loader, bundle, locator);
                    return null;
                },
                () -> {
                    try (OutputStream xml = Files.newOutputStream(reportDir.resolve(XML_FILE))) {
                        visit(new XMLFormatter().createVisitor(xml), loader, bundle, locator);
                    }
                    return null;
                });
        try {
            runAll(reports, "coverage-report");
        } catch (IOException e) {
            throw new IOException("cannot write the JaCoCo report into " + reportDir + ": " + e.getMessage()
                    + " - check that the directory is writable and the disk not full", e);
        }
    }
}
