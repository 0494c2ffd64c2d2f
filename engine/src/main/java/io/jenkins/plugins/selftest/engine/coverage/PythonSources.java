package io.jenkins.plugins.selftest.engine.coverage;

import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a pytest project's code under test lives: the directories coverage.py measures ({@code --cov}) and the import
 * roots its module names are counted from. One home for both the shard script's {@code --cov} targets and the names
 * of coverage figures and orphan modules. Immutable.
 *
 * <p>Chosen as a user expects: the explicit source directories when given; else {@code src/} when the project has that
 * layout (then {@code src/} is also the import root, as {@code pythonpath = ["src"]} makes it); else the top-level
 * packages (directories with an {@code __init__.py}, test directories aside), imported from the workspace.
 *
 * @param targets     workspace-relative directories, {@code /}-separated, never {@code ..}
 * @param importRoots for each target, the workspace-relative directory module names start from ("" = workspace)
 */
public record PythonSources(List<String> targets, List<String> importRoots) {

    /** The shard script's variable with the targets, {@code :}-separated. */
    public static final String ENV = "SELFTEST_COVERAGE_SOURCES";

    /** Directory names never taken for code under test when guessing the top-level packages. */
    private static final Set<String> NOT_SOURCES = Set.of("test", "tests", "testing", "docs", "doc", "build", "dist",
            "site-packages", "node_modules", "__pycache__");
    /** A target the shard script can pass through its variable and a coverage rcfile unquoted. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._+@=,/-]{1,200}");
    /** More targets than this is no project layout but a mistake. */
    static final int MAX_TARGETS = 64;

    public PythonSources {
        targets = List.copyOf(targets);
        importRoots = List.copyOf(importRoots);
    }

    /**
     * The sources of {@code workspace}.
     *
     * @param explicit directories the user named (absolute, already resolved in the workspace), empty to guess
     * @throws IllegalArgumentException naming the directory when one leads out of the workspace or cannot be passed on
     */
    public static PythonSources detect(Path workspace, List<Path> explicit) {
        Path ws = workspace.toAbsolutePath().normalize();
        List<String> targets = new ArrayList<>();
        if (!explicit.isEmpty()) {
            for (Path p : explicit) {
                Path abs = p.toAbsolutePath().normalize();
                if (!abs.startsWith(ws)) {
                    throw new IllegalArgumentException("coverageSources: '" + p + "' leads out of the workspace " + ws
                            + ": give a directory inside it");
                }
                targets.add(ws.relativize(abs).toString().replace('\\', '/'));
            }
        } else if (hasPython(ws.resolve("src"))) {
            targets.add("src");
        } else {
            try (Stream<Path> top = Files.list(ws)) {
                top.filter(d -> Files.isRegularFile(d.resolve("__init__.py")))
                        .map(d -> d.getFileName().toString())
                        .filter(n -> !n.startsWith(".") && !NOT_SOURCES.contains(n))
                        .sorted().forEach(targets::add);
            } catch (IOException e) {
                // an unreadable workspace has no packages: the caller reports "no Python sources"
            }
        }
        if (targets.size() > MAX_TARGETS) {
            throw new IllegalArgumentException("coverageSources: " + targets.size() + " Python source directories, at most "
                    + MAX_TARGETS + ": name the packages under test");
        }
        List<String> roots = new ArrayList<>();
        for (String t : targets) {
            if (t.isEmpty() || !SAFE.matcher(t).matches()) {
                throw new IllegalArgumentException("coverageSources: '" + t + "' cannot be measured: give a directory below"
                        + " the workspace whose name has only letters, digits and . _ + @ = , - /");
            }
            // a package is imported from its parent; a plain directory (src/) is itself on the path
            Path dir = ws.resolve(t);
            while (Files.isRegularFile(dir.resolve("__init__.py")) && !dir.equals(ws)) {
                dir = dir.getParent();
            }
            roots.add(ws.relativize(dir).toString().replace('\\', '/'));
        }
        return new PythonSources(targets, roots);
    }

    public boolean isEmpty() {
        return targets.isEmpty();
    }

    /** The value of {@link #ENV}. */
    public String joined() {
        return String.join(":", targets);
    }

    /**
     * The module of a workspace-relative {@code .py} file under a target ({@code src/a/b/__init__.py} is {@code a.b},
     * {@code src/a/b/c.py} is {@code a.b.c}); empty for a file outside every target.
     */
    public Optional<String> moduleOf(String relativeFile) {
        String f = relativeFile.replace('\\', '/');
        if (f.startsWith("./")) {
            f = f.substring(2);
        }
        if (!f.endsWith(".py")) {
            return Optional.empty();
        }
        for (int i = 0; i < targets.size(); i++) {
            String target = targets.get(i);
            if (!f.startsWith(target + "/")) {
                continue;
            }
            String root = importRoots.get(i);
            String rel = root.isEmpty() ? f : f.substring(root.length() + 1);
            String dotted = rel.substring(0, rel.length() - ".py".length()).replace('/', '.');
            if (dotted.equals("__init__")) {
                return Optional.empty();
            }
            if (dotted.endsWith(".__init__")) {
                dotted = dotted.substring(0, dotted.length() - ".__init__".length());
            }
            return Optional.of(dotted);
        }
        return Optional.empty();
    }

    /** The package a module's figures are counted under: the module's parent, or itself for a package's {@code __init__}. */
    public static String packageOf(String module, String relativeFile) {
        if (relativeFile.endsWith("__init__.py")) {
            return module;
        }
        int dot = module.lastIndexOf('.');
        return dot < 0 ? "" : module.substring(0, dot);
    }

    /** The {@code .py} files under the targets, workspace-relative, sorted (the walker's bounds and exclusions). */
    public List<String> files(Path workspace) throws IOException {
        Path ws = workspace.toAbsolutePath().normalize();
        List<String> files = new ArrayList<>();
        for (String t : targets) {
            Path dir = WorkspaceFiles.inside(ws, t);
            if (Files.isDirectory(dir)) {
                for (Path f : WorkspaceFiles.files(dir, List.of("**/*.py"))) {
                    files.add(ws.relativize(f).toString().replace('\\', '/'));
                }
            }
        }
        return files.stream().sorted().distinct().toList();
    }

    private static boolean hasPython(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir, 3)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".py"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
