package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.AsyncLineWriter;
import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What a supervisor records, and the one place that writes its files in the control directory (through
 * {@link ControlDirectory}): the events ({@code events.jsonl}, on a non-blocking writer that drops and counts
 * instead of stalling), the state ({@code state.json}: the latest published status of each service, the phase and
 * the problems), the heartbeat, and the removal of exit files and spawn records once {@code state.json} holds their exit.
 *
 * <p>Thread-safe: events come from the scheduler thread and from a stopping thread, state writes from the
 * housekeeping thread. At most {@value #MAX_PROBLEMS} problems are kept, so that a persistent one (a full disk)
 * cannot grow the state without bound.
 */
final class Journal implements AutoCloseable {

    static final int MAX_PROBLEMS = 100;
    /**
     * How long the event writer gathers lines before it writes: a burst of restarts (five events each) is then a few
     * appends instead of hundreds of wake-ups and writes, and an event is on disk at most this much later.
     */
    static final Duration EVENT_LINGER = Duration.ofMillis(5);

    private final ControlDirectory dir;
    private final String supervisorId;
    private final List<String> order;
    private final Optional<Consumer<SupervisorEvent>> listener;
    private final Instant startedAt = Instant.now();
    private final Map<String, ServiceStatus> published = new ConcurrentHashMap<>();
    private final AsyncLineWriter events;
    private final AtomicLong seq = new AtomicLong();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Queue<Path> recordedExitFiles = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final Map<String, WrittenStatus> written = new HashMap<>(); // guarded by this (writeState)

    /** A service's status as {@code state.json} last held it, and its JSON there. */
    private record WrittenStatus(ServiceStatus status, Json.Fragment json) {
    }
    private volatile SupervisorState.Phase phase = SupervisorState.Phase.RUNNING;

    /**
     * @param services the services in the order {@code state.json} lists them
     * @param listener called with every event on the thread that records it; must not block
     */
    Journal(ControlDirectory dir, String supervisorId, List<String> services,
            Optional<Consumer<SupervisorEvent>> listener) {
        this.dir = dir;
        this.supervisorId = supervisorId;
        this.order = List.copyOf(services);
        this.listener = listener;
        this.events = new AsyncLineWriter(dir.file(ControlDirectory.EVENTS), 10_000, EVENT_LINGER, "supervisor-events");
    }

    /**
     * The first writes of a supervisor: the heartbeat, and for a fresh start {@code state.json} (so that a status
     * query right after the first event finds a supervisor, not nothing); a resumed one keeps its predecessor's
     * until its own first write.
     */
    void begin(boolean fresh) throws IOException {
        dir.touchHeartbeat();
        if (fresh) {
            // a fresh supervisor numbers its runs from 1: records of a stopped predecessor's runs would be read as its
            dir.clearRuns();
            writeState();
        }
    }

    /**
     * A stand-in for an unreadable {@code state.json} (torn, truncated, garbage), so that a successor takes over
     * instead of leaving the services alone: per service the run number (the highest in the events since the last
     * fresh start, the spawn records and the exit files), the restart count, the last exit, and whether it had ended
     * for good, from {@code events.jsonl} (a run recorded on disk after the last event is taken as started). No pid is taken from the events: {@link ResumePlan} finds a live run's
     * wrapper through its spawn record, or records the run's exit and applies the restart policy.
     *
     * @param supervisorId the predecessor's id (the prefix of its live processes' cookies), or a new one when
     *                     nothing of it lives
     */
    static SupervisorState rebuild(ControlDirectory dir, SupervisorSpec spec, String supervisorId, long predecessorPid) {
        List<SupervisorEvent> events = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.file(ControlDirectory.EVENTS))) {
                try {
                    SupervisorEvent e = Json.read(line, SupervisorEvent.class);
                    if (e.type() == SupervisorEvent.Type.SUPERVISOR_STARTED) {
                        events.clear(); // a fresh start: what came before was another supervisor's
                    }
                    events.add(e);
                } catch (RuntimeException torn) {
                    // a line torn by the crash: the others still count
                }
            }
        } catch (IOException none) {
            // no events: every service starts from its run records alone
        }
        Cookies cookies = new Cookies(supervisorId);
        Instant now = Instant.now();
        List<ServiceStatus> services = new ArrayList<>();
        for (ServiceSpec service : spec.services()) {
            String name = service.name();
            List<SupervisorEvent> mine = events.stream().filter(e -> e.service().map(name::equals).orElse(false)).toList();
            int eventRun = mine.stream().mapToInt(SupervisorEvent::run).max().orElse(0);
            int run = Math.max(dir.lastRecordedRun(name), eventRun);
            List<Instant> restarts = mine.stream().filter(e -> e.type() == SupervisorEvent.Type.RESTARTING)
                    .map(SupervisorEvent::time).toList();
            Optional<ExitInfo> lastExit = mine.stream().filter(e -> e.type() == SupervisorEvent.Type.EXITED)
                    .reduce((a, b) -> b).map(e -> ExitInfo.of(e.run(), e.exitCode().orElse(0), e.time(), ExitInfo.Recorded.PROCESS));
            Optional<SupervisorEvent> last = mine.isEmpty() ? Optional.empty() : Optional.of(mine.get(mine.size() - 1));
            ServiceState state = last.map(e -> switch (e.type()) {
                case GAVE_UP -> ServiceState.FAILED;
                case STOPPED -> ServiceState.STOPPED;
                case RESTARTING -> ServiceState.BACKOFF;
                case WAITING -> e.run() == 0 ? ServiceState.WAITING : ServiceState.STARTING;
                case EXITED -> service.restart().restartsAfter(e.exitCode().orElse(0), service.successExitCodes())
                        ? ServiceState.BACKOFF : ServiceState.EXITED;
                default -> ServiceState.STARTING;
            }).filter(st -> run == eventRun).orElse(run == 0 ? ServiceState.WAITING : ServiceState.STARTING);
            Optional<String> message = state == ServiceState.FAILED ? last.map(SupervisorEvent::message) : Optional.empty();
            services.add(new ServiceStatus(name, state, run, Optional.empty(), Optional.empty(),
                    run == 0 ? Optional.empty() : Optional.of(cookies.of(name, run)), restarts.size(),
                    restarts.stream().filter(t -> t.isAfter(now.minus(service.restartWindow()))).toList(), 0,
                    Optional.empty(), Optional.empty(), lastExit, message, 0, Optional.empty(), Map.of(), Optional.empty()));
        }
        return new SupervisorState(supervisorId, SupervisorState.Phase.RUNNING, predecessorPid, now, now, services, 0,
                List.of());
    }

    /** Makes {@code status} the service's entry of the next {@code state.json}. */
    void publish(ServiceStatus status) {
        published.put(status.name(), status);
        dirty.set(true);
    }

    /** Records an event of the supervisor itself. */
    void event(SupervisorEvent.Type type, String message) {
        record(type, Optional.empty(), 0, null, null, null, message);
    }

    /** Records an event of a service and publishes the status the event leaves it in. */
    void event(ServiceStatus service, SupervisorEvent.Type type, Long pid, Integer exitCode, Long delayMs, String message) {
        record(type, Optional.of(service), service.run(), pid, exitCode, delayMs, message);
    }

    private void record(SupervisorEvent.Type type, Optional<ServiceStatus> service, int run, Long pid, Integer code,
                        Long delayMs, String message) {
        SupervisorEvent e = new SupervisorEvent(seq.incrementAndGet(), Instant.now(), type,
                service.map(ServiceStatus::name), run, Optional.ofNullable(pid), Optional.ofNullable(code),
                Optional.ofNullable(delayMs), message);
        events.offer(e.jsonLine());
        service.ifPresent(this::publish);
        listener.ifPresent(l -> {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                problem("event listener failed: " + ex);
            }
        });
    }

    /** Records a problem that does not stop supervising. */
    void problem(String text) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
        dirty.set(true);
    }

    void phase(SupervisorState.Phase value) {
        phase = value;
        dirty.set(true);
    }

    /** What {@code state.json} holds next. */
    SupervisorState state() {
        List<ServiceStatus> list = new ArrayList<>();
        for (String name : order) {
            ServiceStatus st = published.get(name);
            if (st != null) {
                list.add(st);
            }
        }
        return new SupervisorState(supervisorId, phase, ProcessHandle.current().pid(), startedAt, Instant.now(), list,
                events.dropped(), List.copyOf(problems));
    }

    /**
     * The exit of that run is recorded: its exit file and its spawn record go once {@code state.json} holds the exit
     * (and with it the run number).
     */
    void exitRecorded(String service, int run) {
        recordedExitFiles.add(dir.exitFile(service, run));
        recordedExitFiles.add(dir.spawnFile(service, run));
    }

    /**
     * Writes {@code state.json} when something changed since the last write, then removes the exit files it now
     * holds (they are needed only until then).
     */
    void flush() {
        List<Path> recorded = new ArrayList<>();
        for (Path p = recordedExitFiles.poll(); p != null && recorded.size() < 10_000; p = recordedExitFiles.poll()) {
            recorded.add(p);
        }
        if (dirty.getAndSet(false) || !recorded.isEmpty()) {
            writeState();
        }
        for (Path p : recorded) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                problem("cannot delete " + p + ": " + e.getMessage());
            }
        }
    }

    /**
     * Writes {@code state.json} now. A service's status that has not changed since the last write is copied as
     * it was written then: a daemon of 100 services, one of which restarted, writes one status, not 100 (in the
     * interpreter the daemon runs in, 1.2-1.4 ms of CPU a write instead of 33).
     */
    synchronized void writeState() {
        try {
            dir.writeState(state(), r -> r instanceof ServiceStatus s ? writtenStatus(s) : null);
        } catch (IOException e) {
            // the next write may succeed (disk full is often temporary); readers keep the last complete state. Not a
            // problem() that marks the state dirty: that would retry on every tick
            if (problems.size() < MAX_PROBLEMS) {
                problems.add("cannot write state.json: " + e.getMessage());
            }
        }
    }

    /** The JSON of {@code status}: as last written if that was this very status, else written now. */
    private Json.Fragment writtenStatus(ServiceStatus status) {
        WrittenStatus last = written.get(status.name());
        if (last == null || last.status() != status) {
            last = new WrittenStatus(status, Json.fragment(status));
            written.put(status.name(), last);
        }
        return last.json();
    }

    void touchHeartbeat() {
        try {
            dir.touchHeartbeat();
        } catch (IOException e) {
            problem("cannot touch heartbeat in " + dir + ": " + e.getMessage());
        }
    }

    /** Waits until the events so far are in {@code events.jsonl}, at most {@code timeout}. */
    void flushEvents(Duration timeout) {
        events.flush(timeout);
    }

    /** Writes the queued events and ends the event writer; later events are dropped. */
    @Override
    public void close() {
        events.close();
    }
}
