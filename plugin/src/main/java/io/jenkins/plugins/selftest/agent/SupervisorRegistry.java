package io.jenkins.plugins.selftest.agent;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * The supervisor control directories that {@code supervisedService} steps started and have not yet stopped, kept in
 * {@code $JENKINS_HOME/}{@value #FILE_NAME} so that {@link StaleSupervisorReaper} can stop the services of builds
 * lost at a controller restart. A step adds its entry before it launches the supervisor and removes it once its
 * services were stopped; an entry whose build no longer runs is what the reaper acts on ({@link #decide}).
 *
 * <p>Format (JSON, replaced atomically on every change):
 * <pre>{"entries":[{"node":"agent-1","controlDir":"/ws/job@tmp/supervised-1a2b3c4d","build":"folder/job#12",
 *   "since":"2026-01-01T00:00:00Z"}]}</pre>
 * {@code node} is "" for the built-in node; {@code build} is {@code Run.getExternalizableId()}.
 *
 * <p>Thread-safe: one instance per file, every change is a read-modify-write under its lock. Pure Java but for
 * {@link #get()}.
 */
public final class SupervisorRegistry {

    public static final String FILE_NAME = "io.jenkins.plugins.selftest.supervisors.json";

    private static final Logger LOGGER = Logger.getLogger(SupervisorRegistry.class.getName());
    private static final ConcurrentHashMap<Path, SupervisorRegistry> INSTANCES = new ConcurrentHashMap<>();

    /**
     * One supervisor a step started.
     *
     * @param node       the node's name, "" for the built-in node
     * @param controlDir the control directory's path on that node
     * @param build      the build's externalizable id ({@code job/full/name#number})
     * @param since      when the step registered it
     */
    public record Entry(String node, String controlDir, String build, Instant since) {
        public Entry {
            node = node == null ? "" : node;
            Objects.requireNonNull(controlDir, "controlDir");
            Objects.requireNonNull(build, "build");
            Objects.requireNonNull(since, "since");
        }

        boolean sameDirectory(String otherNode, String otherDir) {
            return node.equals(otherNode == null ? "" : otherNode) && controlDir.equals(otherDir);
        }
    }

    /** The file's content. */
    public record Content(List<Entry> entries) {
        public Content {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    private final Path file;

    public SupervisorRegistry(Path file) {
        this.file = file;
    }

    /** The registry of this Jenkins ({@code $JENKINS_HOME/}{@value #FILE_NAME}). */
    public static SupervisorRegistry get() {
        Path f = Jenkins.get().getRootDir().toPath().resolve(FILE_NAME).toAbsolutePath();
        return INSTANCES.computeIfAbsent(f, SupervisorRegistry::new);
    }

    public Path file() {
        return file;
    }

    /** Adds (or replaces) the entry of a control directory. */
    public synchronized void add(Entry entry) throws IOException {
        List<Entry> all = new ArrayList<>(read());
        all.removeIf(e -> e.sameDirectory(entry.node(), entry.controlDir()));
        all.add(entry);
        write(all);
    }

    /** Removes the entry of a control directory, if there is one. */
    public synchronized void remove(String node, String controlDir) throws IOException {
        List<Entry> all = new ArrayList<>(read());
        if (all.removeIf(e -> e.sameDirectory(node, controlDir))) {
            write(all);
        }
    }

    /** The entries now. */
    public synchronized List<Entry> entries() {
        return read();
    }

    private List<Entry> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Json.read(file, Content.class).entries();
        } catch (IOException | RuntimeException e) {
            // a file that cannot be read would block every step: keep it aside for a person and start afresh
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            LOGGER.log(Level.WARNING, "cannot read " + file + " (" + e.getMessage() + "); moved to " + aside
                    + ", supervisors listed there are no longer reaped", e);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                LOGGER.log(Level.WARNING, "cannot move " + file + " aside", moveFailed);
            }
            return List.of();
        }
    }

    private void write(List<Entry> entries) throws IOException {
        Json.writeAtomically(file, new Content(entries));
    }

    // ---- what the reaper does with the entries (pure) ----------------------------------------------------------

    /** What became of an entry's build. */
    public enum BuildState { RUNNING, FINISHED, MISSING }

    /** Where an entry's node is. */
    public enum NodeState { ONLINE, OFFLINE, MISSING }

    /** What to do with an entry. */
    public enum Action {
        /** the build runs: its step owns the services */
        KEEP,
        /** the build is over: stop the services on the node, then drop the entry */
        REAP,
        /** the build is over but the node is offline: try again when it is back */
        WAIT,
        /** the build is over and the node no longer exists: nothing can be stopped, forget it */
        DROP
    }

    /** One decision, with the reason in words for the reaper's log. */
    public record Decision(Entry entry, Action action, String reason) {
    }

    /**
     * Decides, for each entry, from the state of its build and of its node; no side effects. A running build is
     * always kept, whatever its node does.
     */
    public static List<Decision> decide(List<Entry> entries, Function<String, BuildState> build,
                                        Function<Entry, NodeState> node) {
        List<Decision> out = new ArrayList<>();
        for (Entry e : entries) {
            BuildState b = build.apply(e.build());
            if (b == BuildState.RUNNING) {
                out.add(new Decision(e, Action.KEEP, e.build() + " is running"));
                continue;
            }
            String why = e.build() + (b == BuildState.MISSING ? " no longer exists" : " is over");
            out.add(switch (node.apply(e)) {
                case ONLINE -> new Decision(e, Action.REAP, why);
                case OFFLINE -> new Decision(e, Action.WAIT, why + "; " + AgentLink.describeNode(e.node()) + " is offline");
                case MISSING -> new Decision(e, Action.DROP, why + "; " + AgentLink.describeNode(e.node()) + " no longer exists");
            });
        }
        return List.copyOf(out);
    }
}
