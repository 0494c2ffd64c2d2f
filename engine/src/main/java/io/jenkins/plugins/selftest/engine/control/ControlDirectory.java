package io.jenkins.plugins.selftest.engine.control;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The control-directory protocol between a detached worker process (the supervisor daemon) and whoever controls it
 * (the CLI, the Jenkins step through remoting), after durable-task's control files. One class for both sides, so the
 * file names and formats exist once:
 * <pre>
 * spec.json        what to run (written once by the controlling side)
 * state.json       the worker's current state, replaced atomically (readers never see half a file)
 * events.jsonl     append-only, one JSON object per line; read from a byte offset
 * heartbeat        touched by the worker every few seconds; its age tells whether the worker lives
 * stop-request     created by the controlling side to ask the worker to stop everything and exit
 * owner.lock       locked (fcntl) by the running worker: a second worker on the same directory refuses to start
 * owner.json       pid, start time and command line of the current worker
 * respawn.json     a claim "a replacement worker is being started" (who, when), so that however many pollers see the
 *                  heartbeat go stale at once, exactly one of them starts a replacement; the replacement removes it
 *                  once it holds owner.lock, and a claim older than its timeout (a start that failed) can be taken over
 * respawn.lock     locked (fcntl) for the moment of checking and writing respawn.json
 * worker.log       the worker's own stdout/stderr
 * logs/NAME.log    output of one task (rotated to NAME.log.1 ...)
 * runs/NAME.N.spawn the spawn record of run N of task NAME: created empty by the worker before it starts the run
 *                  (so the run number is on disk before any process of the run exists), then given the pid of the
 *                  run's wrapper by the wrapper itself before the task runs (so a successor adopts that process only)
 * runs/NAME.N.exit exit code of run N of task NAME, written by the wrapper around the task itself, so that an
 *                  exit is recorded while no worker runs
 * </pre>
 * All reads are cheap and offset based (a remote reader pulls only what is new). Thread-safe: every method works on
 * the file system only; atomicity comes from rename and append.
 */
public final class ControlDirectory {

    public static final String SPEC = "spec.json";
    public static final String STATE = "state.json";
    public static final String EVENTS = "events.jsonl";
    public static final String HEARTBEAT = "heartbeat";
    public static final String STOP_REQUEST = "stop-request";
    public static final String LOCK = "owner.lock";
    public static final String OWNER = "owner.json";
    public static final String RESPAWN_CLAIM = "respawn.json";
    public static final String RESPAWN_LOCK = "respawn.lock";
    public static final String WORKER_LOG = "worker.log";
    public static final String LOGS = "logs";
    public static final String RUNS = "runs";

    private static final String SPAWN_SUFFIX = ".spawn";
    private static final String EXIT_SUFFIX = ".exit";

    private final Path dir;

    public ControlDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path path() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public boolean exists() {
        return Files.isDirectory(dir);
    }

    /** Creates the directory and its {@code logs} and {@code runs} subdirectories. */
    public ControlDirectory create() throws IOException {
        Files.createDirectories(dir.resolve(LOGS));
        Files.createDirectories(dir.resolve(RUNS));
        return this;
    }

    // ---- JSON files ------------------------------------------------------------------------------------------------

    /** Replaces {@code name} atomically with {@code value} as JSON ({@link Json}, as every file here). */
    public void writeJson(String name, Object value) throws IOException {
        Json.writeAtomically(file(name), value);
    }

    /**
     * Replaces {@code state.json} with {@code state}: atomically, but compact and not forced to disk ({@link
     * Json#replace(Path, Object, Function)}), as it is rewritten up to ten times a second while services restart. A record inside
     * {@code state} for which {@code written} gives JSON is copied as that JSON.
     */
    public void writeState(Object state, Function<Record, Json.Fragment> written) throws IOException {
        Json.replace(file(STATE), state, written);
    }

    /** Reads {@code name} as JSON, empty when it does not exist (yet). */
    public <T> Optional<T> readJson(String name, Class<T> type) throws IOException {
        Path f = file(name);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(f, type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    // ---- append-only line files --------------------------------------------------------------------------------------

    /** Complete lines of a file from a byte offset, and the offset after the last complete line. */
    public record Lines(List<String> lines, long nextOffset) {
        public Lines {
            lines = List.copyOf(lines);
        }
    }

    /** Bytes of a file from an offset, and the offset to ask for next. */
    public record Chunk(byte[] bytes, long nextOffset, boolean restarted) {
        public Chunk {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * Complete lines of {@code name} from byte {@code offset}, at most about {@code maxBytes} of them (always at least
     * one line if one is complete). A line still being written is left for the next call.
     */
    public Lines readLines(String name, long offset, int maxBytes) throws IOException {
        Chunk chunk = readBytes(file(name), offset, Math.max(maxBytes, 1));
        byte[] b = chunk.bytes;
        int end = b.length;
        while (end > 0 && b[end - 1] != '\n') {
            end--;
        }
        if (end == 0 && b.length == maxBytes) {
            // one line longer than maxBytes: read it whole
            chunk = readBytes(file(name), offset, 16 * 1024 * 1024);
            b = chunk.bytes;
            end = b.length;
            while (end > 0 && b[end - 1] != '\n') {
                end--;
            }
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < end; i++) {
            if (b[i] == '\n') {
                lines.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return new Lines(lines, (chunk.restarted ? 0 : offset) + end);
    }

    /**
     * Up to {@code maxBytes} of {@code file} from {@code offset}. When the file is now shorter than {@code offset} (it
     * was rotated or truncated) reading starts over at 0 and {@link Chunk#restarted()} says so. A missing file reads
     * as empty.
     */
    public static Chunk readBytes(Path file, long offset, int maxBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            boolean restarted = false;
            if (offset > size) {
                offset = 0;
                restarted = true;
            }
            int n = (int) Math.min(maxBytes, size - offset);
            ByteBuffer buf = ByteBuffer.allocate(Math.max(n, 0));
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
            byte[] out = new byte[buf.position()];
            buf.flip();
            buf.get(out);
            return new Chunk(out, offset + out.length, restarted);
        } catch (NoSuchFileException e) {
            return new Chunk(new byte[0], offset, false);
        }
    }

    /** Appends one line (a newline is added) to {@code name}; creates the file. Not for hot paths: opens each time. */
    public void appendLine(String name, String line) throws IOException {
        Files.writeString(file(name), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    // ---- heartbeat and stop request ------------------------------------------------------------------------------------

    /** Sets the heartbeat to now (creating it). */
    public void touchHeartbeat() throws IOException {
        Path f = file(HEARTBEAT);
        if (!Files.exists(f)) {
            Files.writeString(f, "");
        }
        Files.setLastModifiedTime(f, FileTime.from(Instant.now()));
    }

    /** Age of the heartbeat, empty when there is none. */
    public Optional<Duration> heartbeatAge() {
        try {
            Instant at = Files.getLastModifiedTime(file(HEARTBEAT)).toInstant();
            Duration age = Duration.between(at, Instant.now());
            return Optional.of(age.isNegative() ? Duration.ZERO : age);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Asks the worker to stop; {@code reason} is kept in the file for the record. */
    public void requestStop(String reason) throws IOException {
        Files.writeString(file(STOP_REQUEST), reason + "\n");
    }

    public boolean stopRequested() {
        return Files.exists(file(STOP_REQUEST));
    }

    public void clearStopRequest() throws IOException {
        Files.deleteIfExists(file(STOP_REQUEST));
    }

    /**
     * Readies the directory for a fresh supervisor (not a resume): the last state and any stop request go, so what an
     * earlier supervisor left is found by its processes, not believed from its state; then {@code spec} is written.
     */
    public void startFresh(Object spec) throws IOException {
        Files.deleteIfExists(file(STATE));
        clearStopRequest();
        writeJson(SPEC, spec);
    }

    // ---- ownership -----------------------------------------------------------------------------------------------

    /**
     * Takes the owner lock for the life of this JVM (or until closed); empty when another process (or this JVM)
     * holds it. The OS drops the lock when the owner dies, even by KILL.
     */
    public Optional<AutoCloseable> tryLock() throws IOException {
        FileChannel ch = FileChannel.open(file(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            return Optional.empty();
        }
        FileLock held = lock;
        return Optional.of(() -> {
            held.release();
            ch.close();
        });
    }

    /** Whether some process holds the owner lock right now. */
    public boolean locked() {
        if (!Files.exists(file(LOCK))) {
            return false;
        }
        try {
            Optional<AutoCloseable> lock = tryLock();
            if (lock.isPresent()) {
                lock.get().close();
                return false;
            }
            return true;
        } catch (Exception e) {
            return true;
        }
    }

    // ---- respawn claim ----------------------------------------------------------------------------------------------

    /**
     * A claim on starting the replacement of a dead worker: {@code respawn.json}.
     *
     * @param claimant  who claimed (for people: "pid 123 on host")
     * @param claimedAt when, on the clock of the machine of the control directory
     */
    public record RespawnClaim(String claimant, Instant claimedAt) {
        /** Whether the claim still stands at {@code now}: younger than {@code timeout}. */
        public boolean standsAt(Instant now, Duration timeout) {
            return claimedAt.plus(timeout).isAfter(now);
        }
    }

    /** Threads of this JVM: fcntl locks are per process, so they take turns here first. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, Object> CLAIM_MUTEXES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Claims the start of a replacement worker, atomically for every process and thread on this machine: succeeds
     * when there is no claim, or only one older than {@code timeout} (its start failed; it may be retried now). The
     * caller that gets the claim starts the replacement (or {@link #releaseRespawnClaim releases} the claim when it
     * cannot); the replacement releases it once it holds the owner lock.
     *
     * @return the claim written, or empty when another claim stands
     */
    public Optional<RespawnClaim> tryClaimRespawn(String claimant, Duration timeout, Instant now) throws IOException {
        synchronized (CLAIM_MUTEXES.computeIfAbsent(dir, d -> new Object())) {
            try (FileChannel ch = FileChannel.open(file(RESPAWN_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                Optional<RespawnClaim> current = respawnClaim();
                if (current.isPresent() && current.get().standsAt(now, timeout)) {
                    return Optional.empty();
                }
                RespawnClaim claim = new RespawnClaim(claimant, now);
                writeJson(RESPAWN_CLAIM, claim);
                return Optional.of(claim);
            }
        }
    }

    /** {@link #tryClaimRespawn(String, Duration, Instant)} now. */
    public Optional<RespawnClaim> tryClaimRespawn(String claimant, Duration timeout) throws IOException {
        return tryClaimRespawn(claimant, timeout, Instant.now());
    }

    /** The current claim, if any; an unreadable one (torn by a crash) reads as none. */
    public Optional<RespawnClaim> respawnClaim() {
        try {
            return readJson(RESPAWN_CLAIM, RespawnClaim.class);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Removes the claim: the replacement holds the owner lock (or the claimant could not start one). */
    public void releaseRespawnClaim() throws IOException {
        Files.deleteIfExists(file(RESPAWN_CLAIM));
    }

    // ---- per-task logs and run exit codes ----------------------------------------------------------------------------

    public Path logFile(String task) {
        return dir.resolve(LOGS).resolve(task + ".log");
    }

    /** Bytes in {@code task}'s log now; 0 when it has none. */
    public long logSize(String task) {
        try {
            return Files.size(logFile(task));
        } catch (IOException e) {
            return 0;
        }
    }

    /** Rotated log {@code n} (1 is the newest). */
    public Path rotatedLog(String task, int n) {
        return dir.resolve(LOGS).resolve(task + ".log." + n);
    }

    /** Where the wrapper of run {@code run} of {@code task} writes its exit code. */
    public Path exitFile(String task, int run) {
        return dir.resolve(RUNS).resolve(task + "." + run + EXIT_SUFFIX);
    }

    /** The exit code the wrapper recorded for that run, if it has written a complete one. */
    public Optional<Integer> readExitCode(String task, int run) {
        return readNumberLine(exitFile(task, run)).map(Long::intValue);
    }

    /** Where the spawn record of run {@code run} of {@code task} is. */
    public Path spawnFile(String task, int run) {
        return dir.resolve(RUNS).resolve(task + "." + run + SPAWN_SUFFIX);
    }

    /**
     * Records that run {@code run} of {@code task} is about to be started: an empty spawn record, which the run's
     * wrapper fills with its pid. Written before the process exists, so a successor never gives the number out again.
     */
    public void recordSpawn(String task, int run) throws IOException {
        Files.write(spawnFile(task, run), new byte[0]);
    }

    /** The pid the wrapper of that run wrote into its spawn record, if it has written a complete one. */
    public Optional<Long> readWrapperPid(String task, int run) {
        return readNumberLine(spawnFile(task, run));
    }

    /** The highest run of {@code task} with a spawn record or an exit file; 0 when there is none. */
    public int lastRecordedRun(String task) {
        String prefix = task + ".";
        int last = 0;
        try (var files = Files.list(dir.resolve(RUNS))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                String suffix = name.endsWith(SPAWN_SUFFIX) ? SPAWN_SUFFIX : name.endsWith(EXIT_SUFFIX) ? EXIT_SUFFIX : null;
                if (suffix != null && name.startsWith(prefix)) {
                    String run = name.substring(prefix.length(), name.length() - suffix.length());
                    if (!run.isEmpty() && run.length() <= 9 && run.chars().allMatch(Character::isDigit)) {
                        last = Math.max(last, Integer.parseInt(run));
                    }
                }
            }
        } catch (IOException e) {
            // no runs directory: no run was recorded
        }
        return last;
    }

    /** Removes every spawn record and exit file: a fresh worker numbers its runs from 1 again. */
    public void clearRuns() throws IOException {
        try (var files = Files.list(dir.resolve(RUNS))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException e) {
            // nothing to clear
        }
    }

    /** The number on the one complete line of {@code file}; empty while it is missing, empty or half written. */
    private static Optional<Long> readNumberLine(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII);
            if (!s.endsWith("\n")) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(s.trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
