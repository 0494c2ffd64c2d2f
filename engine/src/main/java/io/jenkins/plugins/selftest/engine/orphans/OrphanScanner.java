package io.jenkins.plugins.selftest.engine.orphans;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds main classes that no test class references, from bytecode: the constant pools of the test classes name
 * every class they use (class entries, descriptors, signatures, class-name string constants).
 *
 * <p>Stateless and thread-safe.
 */
public final class OrphanScanner {

    private OrphanScanner() {
    }

    public static OrphanReport scan(List<Path> mainClassDirs, List<Path> testClassDirs, OrphanOptions options,
                                    CoverageSummary coverage) throws IOException {
        // TODO(4b): implementation
        return OrphanReport.NONE;
    }

    /** Writes {@code orphans.json} and {@code orphans.html} into {@code reportDir}. */
    public static void write(OrphanReport report, Path reportDir) throws IOException {
        // TODO(4b): implementation
    }
}
