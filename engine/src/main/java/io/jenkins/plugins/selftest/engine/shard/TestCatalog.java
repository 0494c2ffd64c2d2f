package io.jenkins.plugins.selftest.engine.shard;

import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/**
 * The tests of a project, as sorted test ids: fully qualified class names found in compiled test class directories,
 * or ids derived from source files matched by globs (Java sources become class names, other files such as pytest
 * modules stay relative paths). Immutable.
 *
 * <p>A compiled class is a test class when it is concrete, top level, and either named like one ({@code Test*},
 * {@code *Test}, {@code *Tests}, {@code *TestCase}, {@code *IT}, Surefire's and Failsafe's defaults) or its constant
 * pool names a test annotation (JUnit 4/5, TestNG) - a cheap byte search, no full class parse.
 *
 * @param tests    test ids, sorted, no duplicates
 * @param problems what could not be read (a directory missing, a class file unreadable); the rest is kept
 */
public record TestCatalog(List<String> tests, List<String> problems) {

    private static final Pattern TEST_NAME = Pattern.compile("Test.*|.*Test|.*Tests|.*TestCase|.*IT");
    private static final List<byte[]> TEST_ANNOTATIONS = Stream.of(
                    "Lorg/junit/jupiter/api/Test;", "Lorg/junit/jupiter/params/ParameterizedTest;",
                    "Lorg/junit/jupiter/api/RepeatedTest;", "Lorg/junit/jupiter/api/TestFactory;",
                    "Lorg/junit/Test;", "Lorg/testng/annotations/Test;")
            .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    private static final Pattern JAVA_PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");

    public TestCatalog {
        tests = List.copyOf(new TreeSet<>(tests));
        problems = List.copyOf(problems);
    }

    /** Scans compiled test class directories; a missing directory is a problem, not an exception. */
    public static TestCatalog fromClassDirectories(List<Path> classDirs, TestFilter filter) {
        List<String> tests = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path dir : classDirs) {
            if (!Files.isDirectory(dir)) {
                problems.add("test class directory " + dir + " does not exist: compile the tests first"
                        + " (for Maven: mvn test-compile)");
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                    String rel = dir.relativize(f).toString().replace('\\', '/');
                    String className = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                    if (className.contains("$") || className.endsWith("package-info")
                            || className.endsWith("module-info")) {
                        continue;
                    }
                    try {
                        if (isTestClass(className, f) && filter.accepts(className)) {
                            tests.add(className);
                        }
                    } catch (IOException | RuntimeException e) {
                        problems.add("cannot read class file " + f + ": " + e.getMessage() + "; skipped");
                    }
                }
            } catch (IOException e) {
                problems.add("cannot list " + dir + ": " + e.getMessage());
            }
        }
        return new TestCatalog(tests, problems);
    }

    /**
     * Matches source files under {@code root} against globs ({@link WorkspaceFiles#files}: relative to root, e.g.
     * {@code src/test/java/**Test.java} or {@code tests/**test_*.py}).
     */
    public static TestCatalog fromSourceGlobs(Path root, List<String> globs, TestFilter filter) {
        List<String> tests = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new TestCatalog(List.of(), List.of("source root " + root + " does not exist"));
        }
        try {
            for (Path f : WorkspaceFiles.files(root, globs)) {
                testId(f, root.relativize(f), problems).filter(filter::accepts).ifPresent(tests::add);
            }
        } catch (IOException | IllegalArgumentException e) {
            problems.add("cannot list " + root + ": " + e.getMessage());
        }
        return new TestCatalog(tests, problems);
    }

    public boolean isEmpty() {
        return tests.isEmpty();
    }

    private static Optional<String> testId(Path file, Path rel, List<String> problems) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".java")) {
            return Optional.of(rel.toString().replace('\\', '/'));
        }
        String simple = name.substring(0, name.length() - ".java".length());
        try {
            Matcher m = JAVA_PACKAGE.matcher(Files.readString(file, StandardCharsets.UTF_8));
            return Optional.of(m.find() ? m.group(1) + "." + simple : simple);
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read " + file + ": " + e.getMessage() + "; skipped");
            return Optional.empty();
        }
    }

    private static boolean isTestClass(String className, Path classFile) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(classFile)) {
            bytes = in.readAllBytes();
        }
        int access = new ClassReader(bytes).getAccess();
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE | Opcodes.ACC_ANNOTATION | Opcodes.ACC_ENUM)) != 0) {
            return false;
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        if (TEST_NAME.matcher(simple).matches()) {
            return true;
        }
        return TEST_ANNOTATIONS.stream().anyMatch(a -> indexOf(bytes, a) >= 0);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
