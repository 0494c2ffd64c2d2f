package io.jenkins.plugins.selftest.engine.junit;

import java.nio.file.Path;
import java.util.List;

/**
 * The one JUnit XML parser of the project: Surefire/Failsafe, Gradle and pytest ({@code --junitxml}) flavours.
 *
 * <p>Reading is secure: DTDs are refused, external entities are never resolved and entity expansion is limited,
 * so an XXE or "billion laughs" file becomes a problem naming the file, never an exception, a leak or a hang.
 * A malformed or truncated file is likewise reported as a problem while every other file's cases are kept.
 *
 * <p>Stateless and thread-safe.
 */
public final class JUnitParser {

    /** Upper bound of the characters kept per case for system-out / system-err and failure details. */
    public static final int MAX_OUTPUT_CHARS = 64 * 1024;

    private JUnitParser() {
    }

    /**
     * Parses the given XML files; a directory contributes its {@code *.xml} files (recursively, sorted).
     * A path that does not exist becomes a problem.
     */
    public static TestSuiteResult parse(List<Path> filesOrDirectories) {
        // TODO(4b): implementation
        return TestSuiteResult.EMPTY;
    }
}
