package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The controlling side of a supervisor daemon: starts it, reads its state, events and logs from the control
 * directory, asks it to stop, and notices when it died. Everything goes through files, so it works the same from
 * the machine itself and through a remote file channel (Jenkins remoting): reads are cheap and offset based, and
 * nothing but the control directory's path needs to be persisted.
 *
 * <p>Thread-safe (holds only the path).
 */
public final class SupervisorClient {

    /**
     * How long a claim to start a replacement daemon stands ({@link ControlDirectory#tryClaimRespawn}): a JVM start
     * on a loaded agent takes seconds, not a minute; after this a start that never took the owner lock may be retried.
     */
    public static final Duration RESPAWN_TIMEOUT = Duration.ofSeconds(60);

    private final ControlDirectory dir;

    private SupervisorClient(ControlDirectory dir) {
        this.dir = dir;
    }

    /** A client for an existing control directory (after a controller restart: the path is all one needs). */
    public static SupervisorClient open(Path controlDir) {
        return new SupervisorClient(new ControlDirectory(controlDir));
    }

    /**
     * Validates {@code spec}, writes it to a new control directory and starts a detached daemon on it. Returns once
     * the daemon process exists; use {@link #awaitReady} to wait for the services.
     *
     * @throws SpecException         when the spec has problems
     * @throws IllegalStateException when a supervisor already runs on the directory
     * @throws IOException           when the directory cannot be written or java cannot be started
     */
    public static SupervisorClient launch(Path controlDir, SupervisorSpec spec, DaemonLauncher how) throws IOException {
        spec.validate();
        ControlDirectory dir = new ControlDirectory(controlDir).create();
        SupervisorClient client = new SupervisorClient(dir);
        if (dir.locked()) {
            throw new IllegalStateException("a supervisor" + client.owner().map(o -> " (pid " + o.pid() + ")").orElse("")
                    + " already runs on " + dir + ": stop it first or use another directory");
        }
        dir.startFresh(spec);
        client.startDaemon(how, false);
        return client;
    }

    /**
     * Starts the one replacement daemon, with {@code --resume}, of a daemon that died (after {@link #isStale} said
     * so): it adopts the live services, records exits that happened meanwhile, keeps restart counts, and never
     * starts a second copy of a service. However many callers (polls of the step, a stop, several controllers' threads)
     * call this at once, at most one daemon is started per death: nothing starts while a daemon holds the owner lock,
     * and the caller that starts one first takes the control directory's respawn claim, which stands until the new
     * daemon holds the lock (it releases the claim then) or {@link #RESPAWN_TIMEOUT} passes (its start failed: the
     * next call retries). A daemon started anyway on a directory that has a live owner exits at once.
     *
     * @return the daemon started; empty when none was needed (a daemon holds the directory) or another caller's
     *         replacement is starting
     */
    public Optional<LaunchedProcess> resume(DaemonLauncher how) throws IOException {
        if (dir.locked()) {
            return Optional.empty();
        }
        Optional<ControlDirectory.RespawnClaim> claim = dir.tryClaimRespawn(claimant(), RESPAWN_TIMEOUT);
        if (claim.isEmpty()) {
            return Optional.empty();
        }
        // a replacement may have taken the lock (and released its claim) between the check and our claim
        if (dir.locked()) {
            dir.releaseRespawnClaim();
            return Optional.empty();
        }
        try {
            return Optional.of(startDaemon(how, true));
        } catch (IOException | RuntimeException e) {
            dir.releaseRespawnClaim();
            throw e;
        }
    }

    private static String claimant() {
        return "pid " + ProcessHandle.current().pid() + " thread " + Thread.currentThread().getName();
    }

    /** Starts a daemon process, unguarded: {@link #launch} and {@link #resume} decide whether one may start. */
    LaunchedProcess startDaemon(DaemonLauncher how, boolean resume) throws IOException {
        return ProcessLauncher.start(LaunchSpec.argv(how.command(dir.path(), resume)).env(how.environment())
                .output(new LaunchSpec.Output.ToFile(dir.file(ControlDirectory.WORKER_LOG), true))
                .newSession(true)
                .build());
    }

    public ControlDirectory controlDirectory() {
        return dir;
    }

    /** The last state the daemon wrote; empty before its first write. @throws IOException when it is unreadable */
    public Optional<SupervisorState> state() throws IOException {
        return dir.readJson(ControlDirectory.STATE, SupervisorState.class);
    }

    /**
     * {@link #state()}, or empty when the file cannot be read or parsed: what a poller needs, because a corrupt state
     * under a dead daemon must still let the heartbeat decide, so that the replacement (which rebuilds the state from
     * {@code events.jsonl} and the run records) is started.
     */
    public Optional<SupervisorState> readableState() {
        try {
            return state();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Who runs the directory (or ran it last). */
    public Optional<SupervisorDaemon.Owner> owner() throws IOException {
        return dir.readJson(ControlDirectory.OWNER, SupervisorDaemon.Owner.class);
    }

    /** Whether the owner process recorded in {@code owner.json} is alive (same pid and start time). */
    public boolean ownerAlive() throws IOException {
        Optional<SupervisorDaemon.Owner> o = owner();
        return o.isPresent() && ProcessTree.isRunning(o.get().pid())
                && ProcessTree.startTicks(o.get().pid()).equals(o.get().startTicks());
    }

    /** Events from a byte offset of {@code events.jsonl}, and the offset to ask for next. */
    public record Events(List<SupervisorEvent> events, long nextOffset) {
        public Events {
            events = List.copyOf(events);
        }
    }

    /** Events written since {@code fromOffset} (0 for all), at most about 1 MiB per call. */
    public Events events(long fromOffset) throws IOException {
        ControlDirectory.Lines lines = dir.readLines(ControlDirectory.EVENTS, fromOffset, 1024 * 1024);
        List<SupervisorEvent> out = new ArrayList<>();
        for (String l : lines.lines()) {
            if (!l.isBlank()) {
                out.add(Json.read(l, SupervisorEvent.class));
            }
        }
        return new Events(out, lines.nextOffset());
    }

    /**
     * Bytes of a service's log.
     *
     * @param bytes      up to {@code maxBytes}
     * @param nextOffset the offset to ask for next
     * @param rotated    the log was rotated since {@code offset}: reading started over at 0 (some lines may be in
     *                   {@code NAME.log.1})
     */
    public record LogChunk(byte[] bytes, long nextOffset, boolean rotated) {
        public LogChunk {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Up to {@code maxBytes} of {@code service}'s log from {@code offset}. */
    public LogChunk readLog(String service, long offset, int maxBytes) throws IOException {
        ControlDirectory.Chunk c = ControlDirectory.readBytes(dir.logFile(service), offset, maxBytes);
        return new LogChunk(c.bytes(), c.nextOffset(), c.restarted());
    }

    public Optional<Duration> heartbeatAge() {
        return dir.heartbeatAge();
    }

    /**
     * Whether the daemon must be considered dead: its heartbeat is older than {@code staleAfter} (or missing while
     * a state exists) and it has not stopped on purpose.
     */
    public boolean isStale(Duration staleAfter) throws IOException {
        Optional<SupervisorState> st = readableState();
        if (st.isPresent() && st.get().phase() == SupervisorState.Phase.STOPPED) {
            return false;
        }
        return heartbeatAge().map(a -> a.compareTo(staleAfter) > 0).orElse(st.isPresent());
    }

    /** {@link #isStale(Duration)} with the spec's {@code staleAfter}. */
    public boolean isStale() throws IOException {
        Duration after = dir.readJson(ControlDirectory.SPEC, SupervisorSpec.class).map(SupervisorSpec::staleAfter)
                .orElse(SupervisorSpec.DEFAULT_STALE_AFTER);
        return isStale(after);
    }

    /** Asks the daemon to stop every service and exit. Works even when the daemon is gone (it is then a no-op file). */
    public void requestStop() throws IOException {
        dir.requestStop("stop requested");
    }

    /**
     * The outcome of {@link #stopOrKill}.
     *
     * @param byDaemon  a live daemon stopped everything on request
     * @param killed    processes stopped directly: an unresponsive daemon and what still carried a cookie of its
     *                  supervisor
     */
    public record StopOutcome(boolean byDaemon, int killed) {
        public String describe() {
            return byDaemon ? "stopped by its supervisor" : killed == 0 ? "nothing was running"
                    : "no supervisor answered; stopped " + killed + " process(es) directly";
        }
    }

    /**
     * Stops everything under this directory, whatever became of its daemon: writes the stop request and waits up to
     * {@code grace} for a daemon to report STOPPED; if none does (none runs, or it hangs), KILLs the recorded daemon
     * if it is still alive (same pid and start time) and stops every process tree that carries a cookie of its
     * supervisor (TERM, {@code grace}, KILL, until gone), and removes the containers, network and named volumes of its
     * container services. For reapers of lost builds; a missing directory is a no-op.
     */
    public StopOutcome stopOrKill(Duration grace) throws IOException, InterruptedException {
        if (!dir.exists()) {
            return new StopOutcome(false, 0);
        }
        requestStop();
        if (awaitStopped(grace)) {
            return new StopOutcome(true, 0);
        }
        int killed = 0;
        if (ownerAlive()) {
            long pid = owner().orElseThrow().pid();
            ProcessTree.send(pid, io.jenkins.plugins.selftest.engine.process.Signal.KILL);
            killed++;
        }
        Optional<String> id = state().map(SupervisorState::supervisorId);
        if (id.isPresent()) {
            java.util.Map<Long, String> holders = ProcessTree.cookieHolders(c -> c.startsWith(id.get() + "."));
            killed += holders.size();
            ProcessTree.stopAll(holders.entrySet().stream().map(h -> new ProcessTree.Tree(h.getKey(), h.getValue(),
                    io.jenkins.plugins.selftest.engine.process.Signal.TERM, grace)).toList());
        }
        // the engine keeps a container whose client was killed: remove the block's containers, network and volumes
        Optional<SupervisorSpec> spec = dir.readJson(ControlDirectory.SPEC, SupervisorSpec.class);
        if (spec.isPresent() && spec.get().services().stream().anyMatch(ServiceSpec::containerized)) {
            killed += ServicePorts.removeBlocks(spec.get(), dir.path(), System.getenv(), new java.util.ArrayList<>());
        }
        return new StopOutcome(false, killed);
    }

    /**
     * Deletes the control directory once no daemon holds it (its logs archived first, by the caller): nothing of the
     * run stays on the agent. Returns false, keeping everything, while a daemon still runs on it.
     */
    public boolean remove() throws IOException {
        if (dir.exists() && dir.locked()) {
            return false;
        }
        WorkspaceFiles.deleteTree(dir.path());
        return true;
    }

    /** Waits until the daemon reports STOPPED (true) or {@code timeout} passes (false). */
    public boolean awaitStopped(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<SupervisorState> st = readableState();
            if (st.isPresent() && st.get().phase() == SupervisorState.Phase.STOPPED && !dir.locked()) {
                return true;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * The outcome of {@link #awaitReady}.
     *
     * @param ready         every service is ready (or finished successfully)
     * @param failedService the service that failed (the root cause, not its dependents), when one did
     * @param reason        why not ready: the service's message, a timeout listing who is not ready, or the daemon's
     *                      death
     * @param state         the last state read
     */
    public record ReadyResult(boolean ready, Optional<String> failedService, String reason,
                              Optional<SupervisorState> state) {
    }

    /** Waits until every service is ready, one fails, the daemon dies, or {@code timeout} passes. */
    public ReadyResult awaitReady(Duration timeout) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        long sleep = 20;
        Optional<SupervisorState> st = Optional.empty();
        while (true) {
            st = state();
            Optional<ReadyResult> settled = st.flatMap(SupervisorClient::settled);
            if (settled.isPresent()) {
                return settled.get();
            }
            // no owner: the daemon died (state present), or never got going (no state after a generous JVM start)
            boolean gone = !dir.locked() && (st.isPresent() || System.nanoTime() - begin > Duration.ofSeconds(20).toNanos());
            if (gone) {
                return new ReadyResult(false, Optional.empty(), "the supervisor is not running: see "
                        + dir.file(ControlDirectory.WORKER_LOG) + tail(), st);
            }
            if (System.nanoTime() >= deadline) {
                String waiting = st.map(s -> String.join(", ", s.services().stream()
                        .filter(x -> x.state() != ServiceState.READY && x.state() != ServiceState.EXITED)
                        .map(x -> x.name() + " (" + x.state().name().toLowerCase() + ")").toList())).orElse("no state yet");
                return new ReadyResult(false, Optional.empty(), "not ready within " + Durations.format(timeout)
                        + ": " + waiting, st);
            }
            Thread.sleep(sleep);
            sleep = Math.min(250, (long) (sleep * 1.2) + 1);
        }
    }

    /**
     * What {@code state} says of readiness once it is settled: a service failed or was stopped (the root cause is
     * named rather than a dependent that failed because of it), every service is ready (or ended successfully), or the
     * supervisor is no longer running; empty while services are still coming up.
     */
    static Optional<ReadyResult> settled(SupervisorState state) {
        Optional<SupervisorState> st = Optional.of(state);
        Optional<ServiceStatus> failed = state.services().stream()
                .filter(x -> x.state() == ServiceState.FAILED || x.state() == ServiceState.STOPPED)
                .min((a, b) -> Boolean.compare(isDependencyFailure(a), isDependencyFailure(b)));
        if (failed.isPresent()) {
            ServiceStatus f = failed.get();
            return Optional.of(new ReadyResult(false, Optional.of(f.name()), f.name() + " "
                    + f.state().name().toLowerCase() + f.message().map(m -> ": " + m).orElse(""), st));
        }
        if (state.services().stream().allMatch(x -> x.state() == ServiceState.READY || x.state() == ServiceState.EXITED)) {
            return Optional.of(new ReadyResult(true, Optional.empty(), "all ready", st));
        }
        if (state.phase() != SupervisorState.Phase.RUNNING) {
            return Optional.of(new ReadyResult(false, Optional.empty(), "supervisor is " + state.phase(), st));
        }
        return Optional.empty();
    }

    private static boolean isDependencyFailure(ServiceStatus s) {
        return s.message().map(m -> m.startsWith("dependency ")).orElse(false);
    }

    private String tail() {
        try {
            String log = Files.readString(dir.file(ControlDirectory.WORKER_LOG));
            return log.isBlank() ? "" : ": " + log.substring(Math.max(0, log.length() - 500)).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
