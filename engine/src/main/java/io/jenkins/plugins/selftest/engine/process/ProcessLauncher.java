package io.jenkins.plugins.selftest.engine.process;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one way the engine starts processes: local shards, container CLIs, and a supervisor's services where it has no
 * {@link Keeper} (which starts those as its own children). Each process
 * gets a cookie variable in its environment (inherited by everything it forks, as durable-task's
 * {@code JENKINS_NODE_COOKIE}), and by default starts as leader of its own session and process group, so that
 * {@link ProcessTree} can stop the whole tree.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProcessLauncher {

    /** Environment variable that marks a process tree. */
    public static final String COOKIE_VARIABLE = "SELFTEST_COOKIE";

    /**
     * How an {@link LaunchSpec.ExitRecord exit record} is kept by a launch through this class: a shell around the
     * command writes its own pid into the pid file (second argument),
     * runs the command, then records its exit code before exiting with the same code. That costs two execs and a
     * fork per start; a {@link Keeper} records the same without them.
     */
    static final String WRAPPER = "f=$1; echo $$ > \"$2\"; shift 2; \"$@\"; c=$?; echo $c > \"$f\"; exit $c";

    private static final String SETSID = findSetsid();

    private ProcessLauncher() {
    }

    /**
     * Starts the process.
     *
     * @throws IOException naming the command and directory when it cannot be started (no such program, no such
     *                     directory, not executable)
     */
    public static LaunchedProcess start(LaunchSpec spec) throws IOException {
        String cookie = spec.cookie().orElseGet(() -> UUID.randomUUID().toString());
        List<String> argv = new ArrayList<>();
        if (spec.newSession() && SETSID != null) {
            // setsid(1) does not fork when the caller is not a group leader (a fresh child never is), so the pid
            // we get is the pid of the command itself, which is also its session and process group id.
            argv.add(SETSID);
        }
        // the process joins its cgroup itself before exec, so nothing it forks is ever outside
        Optional<Path> cgroup = spec.ownCgroup() ? Cgroups.create(cookie) : Optional.empty();
        List<String> command = wrapped(spec);
        argv.addAll(cgroup.map(c -> Cgroups.joining(c, command)).orElse(command));
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (!spec.inheritEnvironment()) {
            pb.environment().clear();
        }
        pb.environment().putAll(spec.environment());
        pb.environment().put(COOKIE_VARIABLE, cookie);
        if (spec.workingDir().isPresent()) {
            Path dir = spec.workingDir().get();
            if (!Files.isDirectory(dir)) {
                throw new IOException("cannot start '" + String.join(" ", spec.command()) + "': working directory "
                        + dir + " does not exist");
            }
            pb.directory(dir.toFile());
        }
        pb.redirectErrorStream(true);
        pb.redirectInput(spec.inputPipe() ? Redirect.PIPE : Redirect.from(new File("/dev/null")));
        if (spec.output() instanceof LaunchSpec.Output.ToFile f) {
            Path parent = f.file().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            pb.redirectOutput(f.append() ? Redirect.appendTo(f.file().toFile()) : Redirect.to(f.file().toFile()));
        } else if (spec.output() instanceof LaunchSpec.Output.Discard) {
            pb.redirectOutput(Redirect.DISCARD);
        } else {
            pb.redirectOutput(Redirect.PIPE);
        }
        try {
            Process process = pb.start();
            // a tree that ends by itself leaves an empty cgroup behind: remove it (a populated one is the stop's)
            cgroup.ifPresent(c -> process.onExit().thenRun(() -> Cgroups.remove(c)));
            return new LaunchedProcess(process, cookie);
        } catch (IOException e) {
            cgroup.ifPresent(Cgroups::remove);
            throw new IOException("cannot start '" + String.join(" ", spec.command()) + "'"
                    + spec.workingDir().map(d -> " in " + d).orElse("") + ": " + e.getMessage(), e);
        }
    }

    /** The command, under the {@link #WRAPPER} when the spec asks for an exit record. */
    static List<String> wrapped(LaunchSpec spec) {
        if (spec.exitRecord().isEmpty()) {
            return spec.command();
        }
        LaunchSpec.ExitRecord record = spec.exitRecord().get();
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "selftest-wrapper",
                record.exitFile().toString(), record.pidFile().toString()));
        argv.addAll(spec.command());
        return argv;
    }

    /** Whether started processes get their own process group (false only where setsid(1) is missing). */
    public static boolean supportsProcessGroups() {
        return SETSID != null;
    }

    private static String findSetsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }
}
