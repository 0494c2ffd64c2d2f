package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a supervisor takes over from a dead predecessor on the same control directory: from the predecessor's last
 * {@code state.json}, the live processes that carry one of its cookies, and the exit files its runs' wrappers wrote,
 * one step per service (adopt the live run, record the exit that happened while no supervisor watched, restart,
 * wait, or keep its end), plus the live processes nobody adopts: leftovers to sweep.
 *
 * <p>Immutable; decided without touching a process (the caller scans {@code /proc} and reads the exit files).
 *
 * @param steps  one per service, in the order given to {@link #of}
 * @param strays cookies of live processes that are not adopted (older runs, double-forked leftovers, runs of
 *               services that ended for good)
 */
record ResumePlan(List<Step> steps, Set<String> strays) {

    ResumePlan {
        steps = List.copyOf(steps);
        strays = Set.copyOf(strays);
    }

    /**
     * A live process that carries a cookie of the supervisor.
     *
     * @param pid         its pid
     * @param cookie      its cookie
     * @param groupLeader whether it leads its process group: a run's wrapper does, its children do not
     * @param startTicks  its start time in clock ticks since boot
     * @param startedAt   its start time
     */
    record LiveProcess(long pid, String cookie, boolean groupLeader, Optional<Long> startTicks,
                       Optional<Instant> startedAt) {
    }

    /**
     * What the control directory holds of the runs: the exit codes their wrappers wrote and the spawn records written
     * before each run started ({@code runs/NAME.N.spawn}, with the wrapper's pid once it runs).
     */
    interface Runs {
        /** The exit code run {@code run} of {@code service} recorded, if its wrapper wrote one. */
        Optional<Integer> exitCode(String service, int run);

        /** The highest run of {@code service} with a spawn record or an exit file; 0 when there is none. */
        int lastRecorded(String service);

        /** The pid of the wrapper of run {@code run} of {@code service}, if it wrote one into its spawn record. */
        Optional<Long> wrapperPid(String service, int run);

        /** The runs of {@code dir}. */
        static Runs of(ControlDirectory dir) {
            return new Runs() {
                @Override
                public Optional<Integer> exitCode(String service, int run) {
                    return dir.readExitCode(service, run);
                }

                @Override
                public int lastRecorded(String service) {
                    return dir.lastRecordedRun(service);
                }

                @Override
                public Optional<Long> wrapperPid(String service, int run) {
                    return dir.readWrapperPid(service, run);
                }
            };
        }
    }

    /**
     * An exit the predecessor saw (or not) but never recorded: it spawned a newer run before its state said so.
     *
     * @param run  the run that ended
     * @param code what its wrapper wrote, empty when nothing
     */
    record Unrecorded(int run, Optional<Integer> code) {
    }

    /** What to do with one service. */
    sealed interface Step permits Start, Known {
        String service();

        /** What the predecessor recorded of the service (its counters go on); empty for a {@link Start}. */
        Optional<ServiceStatus> previous();
    }

    /** Not in the predecessor's state (it never wrote one with this service): start it as a fresh supervisor would. */
    record Start(String service) implements Step {
        @Override
        public Optional<ServiceStatus> previous() {
            return Optional.empty();
        }
    }

    /** What to do with a service the predecessor recorded as {@link #recorded()}. */
    sealed interface Known extends Step permits Keep, Adopt, RecordExit, Respawn, Wait {
        ServiceStatus recorded();

        @Override
        default String service() {
            return recorded().name();
        }

        @Override
        default Optional<ServiceStatus> previous() {
            return Optional.of(recorded());
        }
    }

    /** It had ended for good ({@link ServiceState#terminal()}): keep its end. */
    record Keep(ServiceStatus recorded) implements Known {
    }

    /**
     * Its run {@code run} lives as {@code process}, the run's own wrapper: watch it as one's own. {@code unrecorded}
     * is the exit of the recorded run when the predecessor spawned {@code run} after its last state write.
     */
    record Adopt(ServiceStatus recorded, LiveProcess process, int run, Optional<Unrecorded> unrecorded) implements Known {
        Adopt(ServiceStatus recorded, LiveProcess process, int run) {
            this(recorded, process, run, Optional.empty());
        }
    }

    /**
     * Its last run ended while no supervisor watched (or its wrapper is gone and only strays carry its cookie):
     * record the exit (the code its wrapper wrote, empty when the run vanished without one), then apply the restart
     * rules as to any exit. {@code unrecorded} as for {@link Adopt}.
     */
    record RecordExit(ServiceStatus recorded, int run, Optional<Integer> code, Optional<Unrecorded> unrecorded)
            implements Known {
        RecordExit(ServiceStatus recorded, int run, Optional<Integer> code) {
            this(recorded, run, code, Optional.empty());
        }
    }

    /** It was waiting for a restart ({@link ServiceState#BACKOFF}): start it now. */
    record Respawn(ServiceStatus recorded) implements Known {
    }

    /** It had not started yet: start it once its dependencies are ready. */
    record Wait(ServiceStatus recorded) implements Known {
    }

    /**
     * The plan for {@code services} (in topological order).
     *
     * <p>A service's current run is the highest the predecessor recorded anywhere: in its state, in a spawn record or
     * exit file, or in the cookie of a live process; so a run number is never given out twice, even when the
     * predecessor died between a spawn and its next state write. Only that run's own wrapper is adopted: the process
     * whose pid the state or the spawn record holds (and, where the state has it, with that start time), carrying the
     * run's cookie. Anything else that carries a cookie (a {@code setsid}'d grandchild, older runs) is a stray.
     *
     * @param previous the predecessor's last state
     * @param live     every live process that carries one of its cookies
     */
    static ResumePlan of(List<ServiceSpec> services, SupervisorState previous, Cookies cookies, List<LiveProcess> live,
                         Runs runs) {
        List<Step> steps = new ArrayList<>();
        Set<String> adopted = new LinkedHashSet<>();
        for (ServiceSpec spec : services) {
            Optional<ServiceStatus> old = previous.service(spec.name());
            if (old.isEmpty()) {
                steps.add(new Start(spec.name()));
                continue;
            }
            ServiceStatus o = old.get();
            int run = currentRun(o, cookies, live, runs);
            // the recorded run may have lived, and a newer one was spawned: its exit was never recorded
            boolean recordedRunLived = o.pid().isPresent() || o.state() == ServiceState.STARTING;
            Optional<Unrecorded> unrecorded = run > o.run() && recordedRunLived
                    ? Optional.of(new Unrecorded(o.run(), runs.exitCode(o.name(), o.run()))) : Optional.empty();
            Optional<LiveProcess> wrapper = wrapper(o, run, cookies, live, runs);
            Step step;
            if (o.state().terminal()) {
                step = new Keep(o);
            } else if (wrapper.isPresent()) {
                step = new Adopt(o, wrapper.get(), run, unrecorded);
                adopted.add(wrapper.get().cookie());
            } else if (recordedRunLived || run > o.run()) {
                // its last run ended while no supervisor watched: the wrapper wrote how
                step = new RecordExit(o, run, runs.exitCode(o.name(), run), unrecorded);
            } else if (o.state() == ServiceState.BACKOFF) {
                step = new Respawn(o);
            } else {
                step = new Wait(o);
            }
            steps.add(step);
        }
        Set<String> strays = new LinkedHashSet<>();
        for (LiveProcess p : live) {
            if (!adopted.contains(p.cookie())) {
                strays.add(p.cookie());
            }
        }
        return new ResumePlan(steps, strays);
    }

    private static int currentRun(ServiceStatus old, Cookies cookies, List<LiveProcess> live, Runs runs) {
        int run = Math.max(old.run(), runs.lastRecorded(old.name()));
        for (LiveProcess p : live) {
            run = Math.max(run, cookies.run(old.name(), p.cookie()).orElse(0));
        }
        return run;
    }

    /**
     * The live wrapper of run {@code run}: the process with the recorded pid that carries the run's cookie and leads
     * its group, started when the state says (if it says). Empty when it is gone or was never recorded.
     */
    private static Optional<LiveProcess> wrapper(ServiceStatus old, int run, Cookies cookies, List<LiveProcess> live,
                                                 Runs runs) {
        boolean recordedRun = run == old.run() && old.pid().isPresent();
        Optional<Long> pid = recordedRun ? old.pid() : runs.wrapperPid(old.name(), run);
        Optional<Long> startTicks = recordedRun ? old.startTicks() : Optional.empty();
        String cookie = cookies.of(old.name(), run);
        return live.stream()
                .filter(p -> pid.isPresent() && p.pid() == pid.get() && p.cookie().equals(cookie) && p.groupLeader())
                .filter(p -> startTicks.isEmpty() || p.startTicks().isEmpty() || startTicks.equals(p.startTicks()))
                .findFirst();
    }
}
