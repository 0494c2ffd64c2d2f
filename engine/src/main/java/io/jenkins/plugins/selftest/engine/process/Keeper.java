package io.jenkins.plugins.selftest.engine.process;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long-lived parent for many processes (a supervisor's services), so that starting and watching them costs no more
 * than a bare spawn each. It is a small process that makes a child for each command (into its cgroup, with
 * {@code clone3}, where it has one and the kernel allows it) and, in the child before the exec, starts the new
 * session, joins the cgroup (after a plain fork), writes the pid file, sets the environment and opens the output; it
 * reaps every child, writes each exit code into the child's exit file and reports starts and exits on one pipe, which
 * one thread of this JVM reads.
 *
 * <p>Two programs keep the same protocol ({@link Kind}): the compiled keeper ({@code src/main/c/keeper.c}, built
 * with the engine for the architecture of the machine that built it, see {@link KeeperBinary}), whose children share
 * its memory until their exec as posix_spawn's do, and {@code keeper.pl} for perl (part of every Debian and most
 * other Linux systems), which has to fork, used where the compiled one is missing or cannot be run (another
 * architecture, a temporary directory mounted {@code noexec}) or {@value #SWITCH_VARIABLE}{@code =perl} asks for it.
 *
 * <p>What that saves against {@link ProcessLauncher} with an {@link LaunchSpec.ExitRecord exit record}: the
 * {@code setsid} and wrapper-shell execs and the wrapper's fork on every start, and the JDK's reaper thread that
 * every {@link Process} of this JVM keeps for its whole life (a thread, a stack and a malloc arena per service).
 * What it keeps: an exit is recorded in the exit file even when this JVM has died, because the keeper outlives it:
 * when its stdin ends it goes on reaping until its last child has ended, and only then exits.
 *
 * <p>The keeper starts with the first {@link #start} and again after it was lost (killed): processes it had started
 * are then watched by pid, and their exit code is unknown ({@link #UNKNOWN_EXIT}). Off where
 * {@value #SWITCH_VARIABLE}{@code =off} is set or there is neither keeper; {@link #available()} says which.
 *
 * <p>Thread-safe. Nothing is persisted but the pid and exit files the specs ask for.
 */
public final class Keeper implements AutoCloseable {

    /**
     * Environment variable that turns the keeper off ({@code off}: processes are then started by
     * {@link ProcessLauncher}) or makes it {@code keeper.pl} ({@code perl}).
     */
    public static final String SWITCH_VARIABLE = "SELFTEST_KEEPER";

    /** Which program keeps the processes. */
    public enum Kind {
        /** The compiled keeper, from the engine's jar. */
        COMPILED,
        /** {@code keeper.pl}, run by the machine's perl. */
        PERL
    }

    /** The exit code of a process whose keeper was lost before it ended: as if killed (128 + KILL). */
    public static final int UNKNOWN_EXIT = 128 + Signal.KILL.number();

    /** How long a start waits for the keeper's answer before it counts as failed. */
    private static final long ANSWER_SECONDS = 30;

    /** The compiled keeper's first line, and how long it is waited for. */
    private static final String READY = "K ready";
    private static final long READY_SECONDS = 10;

    private static final Optional<Path> PERL = findPerl();
    private static final String SCRIPT = loadScript();

    private final String owner;
    private final ThreadFactory threads;
    private final boolean cloneIntoCgroup;
    private final KeeperBinary.Installed binary;
    private volatile Kind kind;
    private final AtomicLong ids = new AtomicLong();
    private final Object lock = new Object();
    private Instance current; // guarded by lock
    private boolean closed; // guarded by lock

    private Keeper(String owner, ThreadFactory threads, boolean cloneIntoCgroup, Kind kind, KeeperBinary.Installed binary) {
        this.owner = owner;
        this.threads = threads;
        this.cloneIntoCgroup = cloneIntoCgroup;
        this.kind = kind;
        this.binary = binary;
    }

    /**
     * A keeper for {@code owner} (its name in {@code ps}), or empty where it is {@linkplain #available() not
     * available}. No process starts before the first {@link #start} or {@link #prestart}.
     *
     * @param threads makes the one thread per keeper process that reads its answers
     */
    public static Optional<Keeper> of(String owner, ThreadFactory threads) {
        // looked at first: with SELFTEST_KEEPER=off nothing is written for a compiled keeper
        return available().isEmpty() ? Optional.of(new Keeper(owner, threads, true, preferred(), KeeperBinary.installed()))
                : Optional.empty();
    }

    /**
     * A keeper of that kind where keepers can be used (the compiled one gives way to perl where it cannot be run).
     *
     * @param cloneIntoCgroup a process that gets its own cgroup is started inside it ({@code clone3} with
     *                        {@code CLONE_INTO_CGROUP}, Linux 5.7+, where the kernel allows it); false: it is forked
     *                        and moves itself in, as where {@code clone3} is refused. Moving a process costs the
     *                        kernel an RCU grace period, 10-15 ms per start on an idle machine.
     */
    static Optional<Keeper> of(String owner, ThreadFactory threads, boolean cloneIntoCgroup, Kind kind) {
        return of(owner, threads, cloneIntoCgroup, kind, KeeperBinary.installed());
    }

    /** The same, with the compiled keeper run from {@code binary} (a test gives it one that cannot be run). */
    static Optional<Keeper> of(String owner, ThreadFactory threads, boolean cloneIntoCgroup, Kind kind, KeeperBinary.Installed binary) {
        return available().isEmpty() ? Optional.of(new Keeper(owner, threads, cloneIntoCgroup, kind, binary)) : Optional.empty();
    }

    /** Empty when keepers can be used here, else why not (for the supervisor's log). */
    public static Optional<String> available() {
        if ("off".equalsIgnoreCase(System.getenv(SWITCH_VARIABLE))) {
            return Optional.of(SWITCH_VARIABLE + "=off");
        }
        if (PERL.isPresent() || KeeperBinary.installed().file().isPresent()) {
            return Optional.empty();
        }
        return Optional.of("no perl on this machine, and " + KeeperBinary.installed().why());
    }

    /** The compiled keeper where this jar has one for this machine, unless {@value #SWITCH_VARIABLE}{@code =perl}. */
    static Kind preferred() {
        return "perl".equalsIgnoreCase(System.getenv(SWITCH_VARIABLE)) || KeeperBinary.installed().file().isEmpty()
                ? Kind.PERL : Kind.COMPILED;
    }

    /**
     * The program that runs (or will run) this keeper's processes; {@link Kind#PERL} once the compiled one could not
     * be started here.
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Starts the keeper process now rather than at the first {@link #start}, so that it is ready when the caller is
     * (perl compiling its script took 40-120 ms on 2 busy cores, most of the time to a supervisor's first run). A
     * keeper that cannot be started now is tried again by the first start, which then fails saying why.
     */
    public void prestart() {
        try {
            synchronized (lock) {
                launched();
            }
        } catch (IOException e) {
            // the first start tries again and reports it
        }
    }

    /**
     * Starts the process as {@code spec} says, as a child of the keeper, and waits for it to be started.
     *
     * @throws IOException as {@link #startAsync} fails
     */
    public LaunchedProcess start(LaunchSpec spec) throws IOException {
        try {
            return startAsync(spec).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the keeper", e);
        }
    }

    /**
     * Asks the keeper to start the process as {@code spec} says, as its child, without waiting: the answer completes
     * the future on the keeper's reader thread. So a burst of starts is one write each here and one fork each in the
     * keeper, not a round trip each.
     *
     * @return completes with the process, or fails with an {@link IOException} naming the command when it cannot be
     *         started (no such directory, the keeper cannot be started or does not answer in 30 s, fork failed); a
     *         program that cannot be executed ends at once with code 127 and says why in its output
     * @throws IllegalArgumentException when the spec wants its output or input piped (only a file or nothing)
     */
    public CompletableFuture<LaunchedProcess> startAsync(LaunchSpec spec) {
        return submit(spec, null, Set.of()).started();
    }

    /**
     * A start armed in advance: the keeper starts the process as {@code spec} says the moment the process
     * {@code after} (one of its children) ends, with any exit code but those of {@code skip}, without waiting for this
     * JVM. A supervisor arms the next run of a service whose restart its policy has already decided, which makes a
     * restart as quick as the fork itself. The keeper drops what is armed when its input ends (this JVM closed it or died): a run that ends
     * while no supervisor runs is not restarted.
     *
     * @return {@link Armed#started()} completes when the keeper started it, and fails when it will not: disarmed,
     *         {@code after} ended with a code of {@code skip} or had ended before the request arrived, the keeper
     *         was lost, or the start itself failed
     */
    public Armed arm(long after, Set<Integer> skip, LaunchSpec spec) {
        return submit(spec, after, skip);
    }

    /** A start armed with {@link #arm}. */
    public final class Armed {
        private final long id;
        private final CompletableFuture<LaunchedProcess> started;

        private Armed(long id, CompletableFuture<LaunchedProcess> started) {
            this.id = id;
            this.started = started;
        }

        /** Completes with the process once started; fails when it will not start. */
        public CompletableFuture<LaunchedProcess> started() {
            return started;
        }

        /**
         * Withdraws it, unless the keeper has started it already (then {@link #started()} completes all the same, and
         * the process is the caller's to stop).
         */
        public void disarm() {
            synchronized (lock) {
                if (current != null && !current.gone) {
                    try {
                        current.send(("D " + id + "\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // it has ended: what was armed fails with it
                    }
                }
            }
        }
    }

    private Armed submit(LaunchSpec spec, Long after, Set<Integer> skip) {
        if (spec.output() instanceof LaunchSpec.Output.Pipe || spec.inputPipe()) {
            throw new IllegalArgumentException("a kept process writes to a file or nowhere and reads nothing: " + spec.command());
        }
        long id = ids.incrementAndGet();
        if (spec.workingDir().isPresent() && !Files.isDirectory(spec.workingDir().get())) {
            return new Armed(id, CompletableFuture.failedFuture(new IOException(cannotStart(spec) + ": working directory "
                    + spec.workingDir().get() + " does not exist")));
        }
        String cookie = spec.cookie().orElseGet(() -> UUID.randomUUID().toString());
        String flags = (spec.newSession() ? "s" : "") + (spec.inheritEnvironment() ? "" : "c");
        String out = "";
        if (spec.output() instanceof LaunchSpec.Output.ToFile f) {
            Path parent = f.file().toAbsolutePath().getParent();
            try {
                // looked at first: createDirectories on one that exists throws and catches an exception inside
                if (parent != null && !Files.isDirectory(parent)) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                return new Armed(id, CompletableFuture.failedFuture(new IOException(cannotStart(spec) + ": " + e.getMessage(), e)));
            }
            out = f.file().toAbsolutePath().toString();
            flags += f.append() ? "" : "t";
        } else {
            flags += "d";
        }
        Optional<Path> cgroup = spec.ownCgroup() ? Cgroups.create(cookie) : Optional.empty();
        List<String> fields = new ArrayList<>();
        if (after != null) {
            fields.add(Long.toString(after));
            fields.add(String.join(",", skip.stream().map(String::valueOf).toList()));
        }
        fields.addAll(List.of(Long.toString(id), flags,
                spec.workingDir().map(d -> d.toAbsolutePath().toString()).orElse(""), out,
                cgroup.map(c -> c.resolve("cgroup.procs").toString()).orElse(""),
                spec.exitRecord().map(r -> r.pidFile().toAbsolutePath().toString()).orElse(""),
                spec.exitRecord().map(r -> r.exitFile().toAbsolutePath().toString()).orElse(""),
                Integer.toString(spec.command().size())));
        fields.addAll(spec.command());
        Map<String, String> env = new LinkedHashMap<>(spec.environment());
        env.put(ProcessLauncher.COOKIE_VARIABLE, cookie);
        env.forEach((k, v) -> {
            fields.add(k);
            fields.add(v);
        });
        CompletableFuture<KeptProcess> answer;
        try {
            answer = instance().request(after == null ? 'S' : 'A', id, fields);
        } catch (IOException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return new Armed(id, answer.handle((process, failure) -> {
            if (failure != null) {
                cgroup.ifPresent(Cgroups::remove);
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                throw new CompletionException(new IOException(cannotStart(spec) + ": " + cause.getMessage(), cause));
            }
            // a tree that ends by itself leaves an empty cgroup behind: remove it (a populated one is the stop's)
            cgroup.ifPresent(c -> process.onExit().thenRun(() -> Cgroups.remove(c)));
            return new LaunchedProcess(process, cookie);
        }));
    }

    /** The start of a message saying that {@code spec} was not started (made only then: a start is the hot path). */
    private static String cannotStart(LaunchSpec spec) {
        return "cannot start '" + String.join(" ", spec.command()) + "'" + spec.workingDir().map(d -> " in " + d).orElse("");
    }

    /** How many of the processes it started are still running (as far as the keeper has reported). */
    public int live() {
        synchronized (lock) {
            return current == null ? 0 : current.live.size();
        }
    }

    /** The keeper process's pid, when one runs. */
    public Optional<Long> pid() {
        synchronized (lock) {
            return current == null || current.gone ? Optional.empty() : Optional.of(current.keeper.pid());
        }
    }

    /**
     * Starts nothing more: the keeper's input ends, and it exits once the processes it started have ended (it still
     * records their exits, and reports them while this JVM reads). Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (current != null) {
                current.closeInput();
            }
        }
    }

    /**
     * The keeper process, known to run: the compiled keeper is waited for until it has said {@value #READY} (a few
     * ms, at most {@value #READY_SECONDS} s; by the first start after {@link #prestart} it has); where it ends or is
     * silent before, the keeper is perl's from now on (the file cannot be executed: a security module's rule, an
     * architecture that is not the build's).
     */
    private Instance instance() throws IOException {
        synchronized (lock) {
            Instance instance = launched();
            try {
                instance.ready.get(READY_SECONDS, TimeUnit.SECONDS);
                return instance;
            } catch (ExecutionException | TimeoutException e) {
                instance.keeper.process().destroyForcibly();
                if (PERL.isEmpty()) {
                    throw new IOException("the compiled keeper (" + binary.file().orElseThrow() + ") cannot be started here, and there is no perl", e);
                }
                kind = Kind.PERL;
                current = launch();
                return current;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the keeper", e);
            }
        }
    }

    /** The keeper process, started now when there is none (guarded by lock). */
    private Instance launched() throws IOException {
        if (closed) {
            throw new IOException("the keeper of " + owner + " is closed");
        }
        if (current == null || current.gone) {
            current = launch();
        }
        return current;
    }

    /** A keeper process of this keeper's kind, with its reader; of perl from now on when the compiled one cannot be executed. */
    private Instance launch() throws IOException {
        String name = "selftest-keeper " + owner;
        String mode = cloneIntoCgroup ? "clone" : "fork";
        if (kind == Kind.COMPILED && binary.file().isPresent()) {
            try {
                return read(ProcessLauncher.start(LaunchSpec.argv(binary.file().get().toString(), name, mode).inputPipe(true).build()), true);
            } catch (IOException e) {
                if (PERL.isEmpty()) {
                    throw e;
                }
            }
        }
        kind = Kind.PERL;
        return read(ProcessLauncher.start(LaunchSpec.argv(PERL.orElseThrow(() -> new IOException("no perl on this machine, and "
                + binary.why())).toString(), "-e", SCRIPT, name, mode).inputPipe(true).build()), false);
    }

    /**
     * The instance of the keeper process, with its reader thread started.
     *
     * @param announces it says {@value #READY} first (the compiled keeper; perl's does not, and is taken as ready)
     */
    private Instance read(LaunchedProcess process, boolean announces) {
        Instance instance = new Instance(process);
        if (!announces) {
            instance.ready.complete(null);
        }
        Thread reader = threads.newThread(instance::read);
        reader.setDaemon(true);
        reader.start();
        return instance;
    }

    /** One keeper process: its input, the starts waiting for an answer and the processes not yet ended. */
    private final class Instance {
        final LaunchedProcess keeper;
        final OutputStream input;
        final Map<Long, CompletableFuture<KeptProcess>> pending = new ConcurrentHashMap<>();
        final Map<Long, KeptProcess> live = new ConcurrentHashMap<>();
        /** Completes when the keeper is known to run (the compiled one has said so); fails when it ended before. */
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        volatile boolean gone;

        Instance(LaunchedProcess keeper) {
            this.keeper = keeper;
            this.input = keeper.process().getOutputStream();
        }

        /**
         * Writes the request; the answer completes the future (or, for a start ({@code S}), a timeout fails it: an
         * armed one ({@code A}) waits for its predecessor's end).
         */
        CompletableFuture<KeptProcess> request(char type, long id, List<String> fields) throws IOException {
            CompletableFuture<KeptProcess> answer = new CompletableFuture<>();
            pending.put(id, answer);
            try {
                send(record(type, fields));
            } catch (IOException e) {
                pending.remove(id);
                throw new IOException("the keeper (pid " + keeper.pid() + ") does not take requests: " + e.getMessage(), e);
            }
            if (gone) {
                answer.completeExceptionally(new IOException("the keeper has ended"));
            }
            long pid = keeper.pid();
            return (type == 'S' ? answer.orTimeout(ANSWER_SECONDS, TimeUnit.SECONDS) : answer)
                    .whenComplete((p, e) -> pending.remove(id))
                    .exceptionallyCompose(e -> {
                        Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                        return CompletableFuture.failedFuture(cause instanceof TimeoutException
                                ? new IOException("the keeper (pid " + pid + ") did not answer in " + ANSWER_SECONDS + " s")
                                : cause);
                    });
        }

        /**
         * The bytes of a request: its type and field count, then each field's length in bytes and the field. Built as
         * one string and encoded once, which takes half the time of encoding field by field (in the interpreter the
         * daemon runs in); lengths in chars are lengths in bytes only where every char is ASCII, which an encoding
         * as long as the string proves, else it is built again field by field.
         */
        private static byte[] record(char type, List<String> fields) {
            StringBuilder chars = new StringBuilder(1024).append(type).append(' ').append(fields.size()).append('\n');
            for (String f : fields) {
                chars.append(f.length()).append('\n').append(f);
            }
            String text = chars.toString();
            byte[] ascii = text.getBytes(StandardCharsets.UTF_8);
            if (ascii.length == text.length()) {
                return ascii;
            }
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.writeBytes((type + " " + fields.size() + "\n").getBytes(StandardCharsets.US_ASCII));
            for (String f : fields) {
                byte[] b = f.getBytes(StandardCharsets.UTF_8);
                record.writeBytes((b.length + "\n").getBytes(StandardCharsets.US_ASCII));
                record.writeBytes(b);
            }
            return record.toByteArray();
        }

        /** Writes one whole request to the keeper's input (requests of several threads never interleave). */
        void send(byte[] request) throws IOException {
            synchronized (input) {
                input.write(request);
                input.flush();
            }
        }

        void closeInput() {
            try {
                synchronized (input) {
                    input.close();
                }
            } catch (IOException e) {
                // it has ended already
            }
        }

        /** The reader thread: answers and exits until the keeper ends. */
        void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(keeper.process().getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.equals(READY)) {
                        ready.complete(null);
                    } else {
                        answer(line);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // ended: as below
            } finally {
                lost();
            }
        }

        private void answer(String line) {
            String[] w = line.split(" ", 3);
            if (w.length < 3) {
                return; // a warning of perl's own or the keeper's: not an answer
            }
            try {
                switch (w[0]) {
                    case "S" -> {
                        KeptProcess p = new KeptProcess(Long.parseLong(w[2]));
                        live.put(p.pid(), p);
                        CompletableFuture<KeptProcess> waiting = pending.get(Long.parseLong(w[1]));
                        if (waiting == null || !waiting.complete(p)) {
                            // its start timed out: it runs unasked, so it is ended (and reported like any other)
                            ProcessTree.send(p.pid(), Signal.KILL);
                        }
                    }
                    case "F" -> Optional.ofNullable(pending.get(Long.parseLong(w[1])))
                            .ifPresent(f -> f.completeExceptionally(new IOException(w[2])));
                    case "X" -> Optional.ofNullable(live.remove(Long.parseLong(w[1])))
                            .ifPresent(p -> p.exited(Integer.parseInt(w[2])));
                    default -> {
                        // not an answer
                    }
                }
            } catch (NumberFormatException e) {
                // not an answer
            }
        }

        /**
         * The keeper has ended: after {@link #close} that means every process it started has ended; otherwise it
         * was killed, and what it started lives on as orphans that are watched by pid from now on.
         */
        private void lost() {
            gone = true;
            ready.completeExceptionally(new IOException("the keeper has ended"));
            pending.values().forEach(f -> f.completeExceptionally(new IOException("the keeper has ended")));
            for (KeptProcess p : List.copyOf(live.values())) {
                live.remove(p.pid());
                ProcessHandle.of(p.pid()).map(ProcessHandle::onExit).orElseGet(() -> CompletableFuture.completedFuture(null))
                        .whenComplete((h, e) -> p.exited(UNKNOWN_EXIT));
            }
        }
    }

    /**
     * A process started by the keeper: not this JVM's child, so no JDK reaper thread waits for it; its exit comes
     * from the keeper's report. Output and input are the spec's files, so its streams are empty.
     */
    static final class KeptProcess extends Process {
        private final long pid;
        private final CompletableFuture<Process> exit = new CompletableFuture<>();
        private volatile int code;

        KeptProcess(long pid) {
            this.pid = pid;
        }

        void exited(int value) {
            code = value;
            exit.complete(this);
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public CompletableFuture<Process> onExit() {
            return exit.copy();
        }

        @Override
        public int exitValue() {
            if (!exit.isDone()) {
                throw new IllegalThreadStateException("process " + pid + " has not exited");
            }
            return code;
        }

        @Override
        public int waitFor() throws InterruptedException {
            try {
                exit.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            return code;
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            try {
                exit.get(timeout, unit);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public void destroy() {
            if (isAlive()) {
                ProcessTree.send(pid, Signal.TERM);
            }
        }

        @Override
        public Process destroyForcibly() {
            if (isAlive()) {
                ProcessTree.send(pid, Signal.KILL);
            }
            return this;
        }

        @Override
        public ProcessHandle toHandle() {
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " has ended"));
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public String toString() {
            return "kept process " + pid + (isAlive() ? "" : " exited " + code);
        }
    }

    private static Optional<Path> findPerl() {
        for (String candidate : List.of("/usr/bin/perl", "/bin/perl", "/usr/local/bin/perl")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(Path.of(candidate));
            }
        }
        return Optional.empty();
    }

    private static String loadScript() {
        try (InputStream in = Keeper.class.getResourceAsStream("keeper.pl")) {
            if (in == null) {
                throw new IllegalStateException("keeper.pl is missing from the engine jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read keeper.pl from the engine jar", e);
        }
    }
}
