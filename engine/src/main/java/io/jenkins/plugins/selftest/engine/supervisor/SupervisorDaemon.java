package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The detached supervisor process: {@code java -cp <engine jar> ...SupervisorDaemon <controlDir> [--resume]}.
 * It owns the control directory (see {@link ControlDirectory}) for its life: takes the owner lock (a second daemon on
 * the same directory exits with {@value #EXIT_LOCKED}), runs a {@link Supervisor} on {@code spec.json}, and stops
 * everything and exits 0 when a stop is requested or the control directory is deleted. With {@code --resume} it
 * takes over the services of a dead predecessor. On an internal fatal error it starts its own replacement with
 * {@code --resume} and exits {@value #EXIT_REPLACED} without touching the services.
 *
 * <p>Prints nothing but problems (to {@code worker.log}, where its output goes).
 */
public final class SupervisorDaemon {

    public static final int EXIT_USAGE = 2;
    public static final int EXIT_LOCKED = 3;
    public static final int EXIT_REPLACED = 70;

    /** Test hook: when this file appears in the control directory the daemon behaves as on an internal error. */
    public static final String SIMULATE_FATAL = "simulate-fatal";

    /**
     * Who owns the control directory now: the control directory's {@code owner.json}.
     *
     * @param pid        the daemon's pid
     * @param startTicks its start time in clock ticks since boot
     * @param startedAt  when it started
     * @param command    its command line (how the replacement is started)
     * @param resumed    whether it took over from a predecessor
     */
    public record Owner(long pid, Optional<Long> startTicks, Instant startedAt, List<String> command, boolean resumed) {
        public Owner {
            command = List.copyOf(command);
        }
    }

    private SupervisorDaemon() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--resume"))) {
            System.err.println("usage: SupervisorDaemon <control directory> [--resume]");
            System.exit(EXIT_USAGE);
        }
        boolean resume = args.length == 2;
        ControlDirectory dir = new ControlDirectory(Path.of(args[0]));
        try {
            System.exit(run(dir, resume));
        } catch (Exception | Error e) {
            System.err.println("supervisor on " + dir + " failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static int run(ControlDirectory dir, boolean resumeAsked) throws Exception {
        boolean resume = resumeAsked;
        if (!Files.isRegularFile(dir.file(ControlDirectory.SPEC))) {
            System.err.println("no " + ControlDirectory.SPEC + " in " + dir + ": start the supervisor through SupervisorClient.launch");
            return EXIT_USAGE;
        }
        Optional<AutoCloseable> lock = dir.tryLock();
        // the lock can be held for a moment by a client probing it (ControlDirectory.locked) or by a predecessor
        // that hands over and halts right after; an extra copy started next to a live owner, though, leaves within
        // a few tries, touching nothing
        for (int i = 0; resume && lock.isEmpty() && i < 100 && !(i >= 3 && liveOwner(dir)); i++) {
            Thread.sleep(100);
            lock = dir.tryLock();
        }
        if (lock.isEmpty()) {
            String who = dir.readJson(ControlDirectory.OWNER, Owner.class).map(o -> " (pid " + o.pid() + ")").orElse("");
            System.err.println("another supervisor" + who + " already runs on " + dir
                    + ": stop it (SupervisorClient.requestStop) or use another directory");
            return EXIT_LOCKED;
        }
        SupervisorSpec spec = dir.readJson(ControlDirectory.SPEC, SupervisorSpec.class).orElseThrow();
        Optional<SupervisorState> previous;
        Optional<String> lostState = Optional.empty();
        try {
            previous = dir.readJson(ControlDirectory.STATE, SupervisorState.class);
        } catch (IOException | RuntimeException e) {
            // torn or garbage: take over what the other records and /proc tell, never leave the services alone
            Optional<String> liveId = liveSupervisorId(dir);
            long predecessor = readOwner(dir).map(Owner::pid).orElse(0L);
            previous = Optional.of(Journal.rebuild(dir, spec, liveId.orElseGet(SupervisorDaemon::newId), predecessor));
            resume = true;
            lostState = Optional.of(ControlDirectory.STATE + " was unreadable (" + firstLine(e) + "): took over from "
                    + ControlDirectory.EVENTS + ", the run records in " + ControlDirectory.RUNS + "/ and "
                    + (liveId.isPresent() ? "the live processes of supervisor " + liveId.get() : "no live process")
                    + "; a run not found alive had its exit recorded and its restart policy applied");
            System.err.println(Instant.now() + " " + lostState.get());
        }
        if (!resume && previous.isPresent() && previous.get().phase() != SupervisorState.Phase.STOPPED) {
            System.err.println(dir + " holds the state of a supervisor that did not stop: start with --resume to take over its services");
            return EXIT_USAGE;
        }
        String id = resume && previous.isPresent() ? previous.get().supervisorId() : newId();
        long pid = ProcessHandle.current().pid();
        List<String> command = ownCommandLine();
        dir.writeJson(ControlDirectory.OWNER, new Owner(pid, ProcessTree.startTicks(pid), Instant.now(), command, resume));
        // the replacement has started: polls see a fresh heartbeat, and the next death may be answered again
        dir.touchHeartbeat();
        dir.releaseRespawnClaim();
        if (!resume) {
            dir.clearStopRequest();
        }

        Supervisor.Options options = Supervisor.Options.fresh(id);
        if (lostState.isPresent()) {
            options = options.withProblem(lostState.get());
        }
        if (resume && previous.isPresent()) {
            options = options.withResume(previous.get());
        }
        Handover handover = new Handover(dir, command, lock.get());
        options = options.withOnFatal(handover::fatal);
        Supervisor supervisor = Supervisor.start(dir, spec, options);
        handover.supervisor = supervisor;
        while (!supervisor.stopped().isDone()) {
            if (Files.exists(dir.file(SIMULATE_FATAL))) {
                Files.deleteIfExists(dir.file(SIMULATE_FATAL));
                handover.fatal(new IllegalStateException("simulated internal error (" + SIMULATE_FATAL + ")"));
            }
            try {
                supervisor.stopped().get(250, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // keep waiting
            }
        }
        lock.get().close();
        return 0;
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static Optional<Owner> readOwner(ControlDirectory dir) {
        try {
            return dir.readJson(ControlDirectory.OWNER, Owner.class);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * The id of the supervisor whose services still run on {@code dir}: the cookie prefix of a live process started
     * for this control directory ({@code SELFTEST_CONTROL_DIR}), so that the services of another directory are never
     * taken for its own.
     */
    private static Optional<String> liveSupervisorId(ControlDirectory dir) {
        return Supervisor.liveRuns(dir).values().stream().map(c -> c.substring(0, c.indexOf('.'))).findFirst();
    }

    /** Whether {@code owner.json} names a live process other than this one (same pid and start time). */
    static boolean liveOwner(ControlDirectory dir) {
        try {
            Optional<Owner> o = dir.readJson(ControlDirectory.OWNER, Owner.class);
            return o.isPresent() && o.get().pid() != ProcessHandle.current().pid() && ProcessTree.isRunning(o.get().pid())
                    && ProcessTree.startTicks(o.get().pid()).equals(o.get().startTicks());
        } catch (IOException | RuntimeException e) {
            return false; // being replaced right now: look again
        }
    }

    /** This process's argv from {@code /proc/self/cmdline} (ProcessHandle.Info may leave out long ones). */
    static List<String> ownCommandLine() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> argv = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                argv.add(new String(raw, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (argv.isEmpty()) {
            ProcessHandle.current().info().command().ifPresent(argv::add);
            ProcessHandle.current().info().arguments().ifPresent(a -> argv.addAll(List.of(a)));
        }
        return argv;
    }

    /** Starts the replacement and leaves, services untouched: the Java counterpart of re-exec'ing oneself. */
    private static final class Handover {
        private final ControlDirectory dir;
        private final List<String> command;
        private final AutoCloseable lock;
        volatile Supervisor supervisor;

        Handover(ControlDirectory dir, List<String> command, AutoCloseable lock) {
            this.dir = dir;
            this.command = command;
            this.lock = lock;
        }

        synchronized void fatal(Throwable t) {
            System.err.println(Instant.now() + " internal error, handing over to a new supervisor: " + t);
            t.printStackTrace();
            try {
                if (supervisor != null) {
                    supervisor.abandon();
                }
                List<String> argv = new ArrayList<>(command);
                if (!argv.contains("--resume")) {
                    argv.add("--resume");
                }
                // pollers that see the heartbeat go stale meanwhile find the claim and start nobody
                dir.tryClaimRespawn("pid " + ProcessHandle.current().pid() + " handing over", SupervisorClient.RESPAWN_TIMEOUT);
                lock.close();
                ProcessLauncher.start(LaunchSpec.argv(argv)
                        .output(new LaunchSpec.Output.ToFile(dir.file(ControlDirectory.WORKER_LOG), true)).build());
            } catch (Exception e) {
                System.err.println("cannot start the replacement supervisor: " + e + "; services keep running,"
                        + " start one with --resume");
            }
            Runtime.getRuntime().halt(EXIT_REPLACED);
        }
    }

    static String describe(Owner o) {
        return Json.write(o);
    }
}
