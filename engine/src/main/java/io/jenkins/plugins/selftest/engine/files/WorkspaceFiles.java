package io.jenkins.plugins.selftest.engine.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one workspace check and the one glob walker: every path a user names (a Jenkinsfile field, a CLI option) is
 * resolved here, and refused when it leads out of the workspace; every glob over files is walked here.
 *
 * <p>Globs are {@link Glob}s (the JDK's glob syntax, matched without backtracking) relative to the root, with Ant's
 * reading of a leading {@code **}{@code /}: it also matches at the top, so {@code **}{@code /test_*.py} finds {@code test_a.py}
 * as well as {@code tests/test_b.py}. {@code .git} and {@code node_modules} are never entered.
 */
public final class WorkspaceFiles {

    private static final Set<String> NEVER_ENTERED = Set.of(".git", "node_modules");

    private WorkspaceFiles() {
    }

    /**
     * {@code relative} resolved in {@code workspace}.
     *
     * @throws IllegalArgumentException when it leads out of the workspace ({@code ..}, or an absolute path
     *                                  elsewhere); the message starts with the quoted path and says what to give
     */
    public static Path inside(Path workspace, String relative) {
        Path ws = workspace.normalize();
        Path p = ws.resolve(relative).normalize();
        if (!p.startsWith(ws)) {
            throw new IllegalArgumentException("'" + relative + "' leads out of the workspace " + workspace
                    + ": give a path inside it");
        }
        return p;
    }

    /** True when {@code glob} holds a wildcard; a path without one is taken as it is. */
    public static boolean isGlob(String glob) {
        return glob.contains("*") || glob.contains("?") || glob.contains("[") || glob.contains("{");
    }

    /**
     * Regular files under {@code root} whose root-relative path matches any glob, sorted.
     *
     * @throws IllegalArgumentException when a glob leads out of {@code root}
     */
    public static List<Path> files(Path root, List<String> globs) throws IOException {
        return walk(root, globs, false);
    }

    /**
     * Directories under {@code root} matching any glob (a matching directory's subtree is not searched further), with
     * the globless entries resolved as they are, whether they exist or not; sorted, without repeats.
     *
     * @throws IllegalArgumentException when an entry leads out of {@code root}
     */
    public static List<Path> directories(Path root, List<String> globs) throws IOException {
        List<Path> found = new ArrayList<>();
        for (String g : globs) {
            if (!isGlob(g)) {
                found.add(inside(root, g));
            }
        }
        found.addAll(walk(root, globs.stream().filter(WorkspaceFiles::isGlob).toList(), true));
        return found.stream().distinct().toList();
    }

    private static List<Path> walk(Path root, List<String> globs, boolean dirs) throws IOException {
        if (globs.isEmpty() || !Files.isDirectory(root)) {
            return List.of();
        }
        List<Glob> matchers = new ArrayList<>();
        for (String g : globs) {
            inside(root, g.replaceAll("[*?\\[\\]{}]", "x"));
            matchers.add(Glob.ofPath(g));
            if (g.startsWith("**/")) {
                matchers.add(Glob.ofPath(g.substring(3)));
            }
        }
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                if (NEVER_ENTERED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (dirs && matches(dir)) {
                    found.add(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!dirs && attrs.isRegularFile() && matches(file)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // an unreadable corner does not hide the rest
            }

            private boolean matches(Path p) {
                String rel = root.relativize(p).toString();
                return matchers.stream().anyMatch(m -> m.matches(rel));
            }
        });
        found.sort(null);
        return found;
    }

    /** Deletes {@code dir} and everything below it; nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
