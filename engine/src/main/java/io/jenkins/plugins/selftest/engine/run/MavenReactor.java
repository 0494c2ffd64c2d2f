package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import io.jenkins.plugins.selftest.engine.junit.JUnitParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The modules of a Maven reactor: the workspace's {@code pom.xml} and, recursively, the {@code <modules>} it lists
 * (those of the project itself; a profile's are not read). A module's own class and source directories are Maven's
 * defaults ({@code target/test-classes}, {@code target/classes}, {@code src/main/java}) under it. Immutable.
 *
 * <p>Reading is bounded and safe: POMs through the project's one secure XML setup ({@link JUnitParser#factory()}, a
 * DOCTYPE refused), at most {@link #MAX_POM_BYTES} a POM, {@link #MAX_MODULES} modules, {@link #MAX_DEPTH} levels; a
 * module path that leads out of the workspace, or a POM that cannot be read, is a problem and is left out (Maven
 * itself then says what is wrong when the project is prepared).
 *
 * @param modules  the reactor's modules in the order Maven lists them, root first: paths relative to the workspace
 *                 ({@code ""} for the root, {@code "apps/report"} ...), {@code pom} packaging marked
 * @param problems what could not be read
 */
record MavenReactor(List<Module> modules, List<String> problems) {

    static final int MAX_MODULES = 1024;
    static final int MAX_DEPTH = 32;
    static final long MAX_POM_BYTES = 4L * 1024 * 1024;

    /**
     * A module: its directory relative to the workspace, whether its packaging is {@code pom}, and whether its POM
     * configures how a plugin forks its tests ({@link #setsForks()}).
     */
    record Module(String path, boolean pom, boolean setsForks) {

        /** {@code dir} (e.g. {@code target/classes}) of this module, relative to the workspace. */
        String resolve(String dir) {
            return path.isEmpty() ? dir : path + "/" + dir;
        }
    }

    MavenReactor {
        modules = List.copyOf(modules);
        problems = List.copyOf(problems);
    }

    /** The reactor of {@code workspace}; no modules when it has no {@code pom.xml}. */
    static MavenReactor read(Path workspace) {
        Path ws = workspace.toAbsolutePath().normalize();
        List<Module> modules = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isRegularFile(ws.resolve("pom.xml"))) {
            return new MavenReactor(modules, problems);
        }
        Set<String> seen = new LinkedHashSet<>();
        Deque<String[]> todo = new ArrayDeque<>(); // {relative directory, depth}
        todo.add(new String[] {"", "0"});
        while (!todo.isEmpty() && modules.size() < MAX_MODULES) {
            String[] next = todo.pollFirst();
            String dir = next[0];
            int depth = Integer.parseInt(next[1]);
            if (!seen.add(dir)) {
                continue;
            }
            Pom pom;
            try {
                pom = Pom.read(ws.resolve(dir).resolve("pom.xml"));
            } catch (IOException | XMLStreamException | RuntimeException e) {
                problems.add("cannot read the POM of module '" + dir + "': " + e.getMessage());
                continue;
            }
            modules.add(new Module(dir, pom.pom(), pom.setsForks()));
            List<String[]> children = new ArrayList<>();
            for (String m : pom.modules()) {
                String child = m.endsWith(".xml") ? parentOf(m) : m;
                try {
                    Path p = WorkspaceFiles.inside(ws, dir.isEmpty() ? child : dir + "/" + child);
                    if (depth + 1 > MAX_DEPTH) {
                        problems.add("module '" + ws.relativize(p) + "' is nested deeper than " + MAX_DEPTH + " levels; left out");
                    } else if (Files.isRegularFile(p.resolve("pom.xml"))) {
                        children.add(new String[] {ws.relativize(p).toString().replace('\\', '/'), Integer.toString(depth + 1)});
                    } else {
                        problems.add("module '" + ws.relativize(p) + "' has no pom.xml; left out");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add("module " + e.getMessage());
                }
            }
            // depth first, in the order the POM lists them, as Maven's reactor does when no dependency reorders it
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.addFirst(children.get(i));
            }
        }
        if (!todo.isEmpty()) {
            problems.add("the reactor has more than " + MAX_MODULES + " modules; only the first are used");
        }
        return new MavenReactor(modules, problems);
    }

    /** Whether the workspace is a reactor of more than one module. */
    boolean isMultiModule() {
        return modules.size() > 1;
    }

    /**
     * {@code dirs} (Maven defaults such as {@code target/classes}) in every module that builds code, relative to the
     * workspace; {@code dirs} themselves when this is no multi-module reactor.
     */
    List<String> expand(List<String> dirs) {
        if (!isMultiModule()) {
            return dirs;
        }
        return modules.stream().filter(m -> !m.pom()).flatMap(m -> dirs.stream().map(m::resolve)).toList();
    }

    /**
     * The modules holding the given test classes (compiled under {@code target/test-classes}, or as sources under
     * {@code src/test/java}), in reactor order; empty when this is no multi-module reactor or some test is in no
     * module, so that the caller runs the whole reactor instead of missing it.
     */
    List<String> modulesHolding(Path workspace, List<String> tests) {
        if (!isMultiModule()) {
            return List.of();
        }
        Set<String> holding = new LinkedHashSet<>();
        for (String test : tests) {
            String path = test.replace('.', '/');
            Module found = modules.stream().filter(m -> !m.pom())
                    .filter(m -> Files.isRegularFile(workspace.resolve(m.resolve("target/test-classes/" + path + ".class")))
                            || Files.isRegularFile(workspace.resolve(m.resolve("src/test/java/" + path + ".java"))))
                    .findFirst().orElse(null);
            if (found == null) {
                return List.of();
            }
            holding.add(found.path());
        }
        return modules.stream().map(Module::path).filter(holding::contains).map(p -> p.isEmpty() ? "." : p).toList();
    }

    /**
     * Whether a POM of the reactor configures how a plugin forks its tests: a {@code forkCount}, {@code reuseForks}
     * or {@code forkMode} in a plugin's {@code <configuration>} (Surefire's, Failsafe's, in any profile or plugin
     * management). Such a setting stands over {@code -DforkCount}, so that the workers of a shard would not all be
     * forks. A parent POM outside the workspace is not read.
     */
    boolean setsForks() {
        return modules.stream().anyMatch(Module::setsForks);
    }

    private static String parentOf(String pomPath) {
        int slash = pomPath.replace('\\', '/').lastIndexOf('/');
        return slash < 0 ? "." : pomPath.substring(0, slash);
    }

    /** What the reactor needs of one POM: its packaging, its own {@code <modules>}, whether it sets forks. */
    private record Pom(boolean pom, List<String> modules, boolean setsForks) {

        private static final Set<String> FORK_SETTINGS = Set.of("forkCount", "reuseForks", "forkMode");

        static Pom read(Path file) throws IOException, XMLStreamException {
            if (Files.size(file) > MAX_POM_BYTES) {
                throw new IOException("larger than " + MAX_POM_BYTES + " bytes");
            }
            boolean pom = false;
            boolean setsForks = false;
            List<String> modules = new ArrayList<>();
            try (InputStream in = Files.newInputStream(file)) {
                XMLStreamReader r = JUnitParser.factory().createXMLStreamReader(in);
                try {
                    List<String> path = new ArrayList<>();
                    while (r.hasNext()) {
                        int event = r.next();
                        if (event == XMLStreamConstants.DTD) {
                            throw new IOException("has a DOCTYPE, which is refused");
                        } else if (event == XMLStreamConstants.START_ELEMENT) {
                            path.add(r.getLocalName());
                            String at = String.join("/", path);
                            if (at.equals("project/packaging")) {
                                pom = "pom".equals(r.getElementText().trim());
                                path.remove(path.size() - 1);
                            } else if (at.equals("project/modules/module")) {
                                String m = r.getElementText().trim();
                                if (!m.isEmpty() && modules.size() < MAX_MODULES) {
                                    modules.add(m);
                                }
                                path.remove(path.size() - 1);
                            } else if (FORK_SETTINGS.contains(r.getLocalName()) && path.contains("configuration")) {
                                setsForks = true;
                            }
                        } else if (event == XMLStreamConstants.END_ELEMENT) {
                            path.remove(path.size() - 1);
                        }
                    }
                } finally {
                    r.close();
                }
            }
            return new Pom(pom, modules, setsForks);
        }
    }
}
