package io.jenkins.plugins.selftest.engine.coverage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a JaCoCo agent has to instrument for a report over some class directories: the packages those directories
 * hold, as the agent's {@code includes} option ({@code org.example.*:com.acme.billing.*}). A plain
 * {@code jacoco:prepare-agent} instruments every class the test JVM loads, the test frameworks included (JUnit's
 * platform and engines, Surefire's booter, assertion and mocking libraries): that costs each fork about a second at
 * its start and slows every test that runs through them, for coverage that no report reads, since
 * {@link CoverageAggregator} analyses only the classes of these directories.
 *
 * <p>Nothing is left out that a report could count: a package is included with all its subpackages, and the
 * classes of a package from elsewhere (a jar sharing the project's package names) are instrumented too. Where the
 * packages cannot be named that way the answer is empty, meaning every class, as before: a class in the default
 * package, a directory name that is no Java identifier, a jar among the directories or in one, or no class at all.
 */
public final class AgentIncludes {

    /** Most patterns given to the agent: more packages than this are named by a shorter common prefix. */
    static final int MAX_PATTERNS = 64;

    private AgentIncludes() {
    }

    /**
     * The agent's {@code includes} for the classes of {@code classDirs} (patterns joined by {@code :}), or empty when
     * every class has to be instrumented. Directories that are not there are skipped (a module without main classes).
     */
    public static Optional<String> of(List<Path> classDirs) {
        Set<String> packages = new TreeSet<>();
        for (Path dir : classDirs) {
            if (Files.isRegularFile(dir)) {
                return Optional.empty();
            }
            if (Files.isDirectory(dir) && !addPackages(dir, packages)) {
                return Optional.empty();
            }
        }
        List<String> roots = roots(packages);
        for (int depth = maxDepth(roots) - 1; roots.size() > MAX_PATTERNS && depth > 0; depth--) {
            int d = depth;
            roots = roots(roots.stream().map(p -> prefix(p, d)).collect(Collectors.toCollection(TreeSet::new)));
        }
        if (roots.isEmpty() || roots.size() > MAX_PATTERNS) {
            return Optional.empty();
        }
        return Optional.of(roots.stream().map(p -> p.replace('/', '.') + ".*").collect(Collectors.joining(":")));
    }

    /** Adds the packages ({@code a/b}) holding class files under {@code dir}; false when one cannot be named. */
    private static boolean addPackages(Path dir, Set<String> packages) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!Files.isRegularFile(f) || name.equals("module-info.class")) {
                    continue;
                }
                if (!name.endsWith(".class")) {
                    if (archive(f)) {
                        return false;
                    }
                    continue;
                }
                Path pkg = dir.relativize(f).getParent();
                if (pkg == null || !identifiers(pkg)) {
                    return false;
                }
                packages.add(pkg.toString().replace(pkg.getFileSystem().getSeparator(), "/"));
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Whether {@code f} is an archive, which {@link CoverageAggregator} analyses as well, by its content as JaCoCo
     * tells them (zip, gzip, pack200), whatever its name: its classes' packages are not those of its path.
     */
    private static boolean archive(Path f) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(f)) {
            head = in.readNBytes(4);
        }
        int magic = head.length < 4 ? 0 : ByteBuffer.wrap(head).getInt();
        return magic == 0x504b0304 || magic == 0xcafed00d || (magic >>> 16) == 0x1f8b;
    }

    private static boolean identifiers(Path pkg) {
        for (Path segment : pkg) {
            String s = segment.toString();
            if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))
                    || !s.chars().skip(1).allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }

    /** The packages of {@code packages} that no other one of them holds: {@code a/b} stands for {@code a/b/c} too. */
    private static List<String> roots(Set<String> packages) {
        List<String> roots = new ArrayList<>();
        for (String p : packages) {
            boolean held = false;
            for (int i = p.indexOf('/'); i > 0 && !held; i = p.indexOf('/', i + 1)) {
                held = packages.contains(p.substring(0, i));
            }
            if (!held) {
                roots.add(p);
            }
        }
        return roots;
    }

    private static int maxDepth(List<String> packages) {
        return packages.stream().mapToInt(p -> (int) p.chars().filter(c -> c == '/').count() + 1).max().orElse(0);
    }

    /** The first {@code depth} names of package {@code p}. */
    private static String prefix(String p, int depth) {
        int end = -1;
        for (int i = 0; i < depth; i++) {
            end = p.indexOf('/', end + 1);
            if (end < 0) {
                return p;
            }
        }
        return p.substring(0, end);
    }
}
