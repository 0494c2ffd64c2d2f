package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
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

    /** Reads the exit code run {@code run} of {@code service} recorded, if its wrapper wrote one. */
    @FunctionalInterface
    interface ExitCodes {
        Optional<Integer> of(String service, int run);
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

    /** Its run {@code run} lives as {@code process}: watch it as one's own. */
    record Adopt(ServiceStatus recorded, LiveProcess process, int run) implements Known {
    }

    /**
     * Its last run ended while no supervisor watched: record the exit (the code its wrapper wrote, empty when the
     * run vanished without one), then apply the restart rules as to any exit.
     */
    record RecordExit(ServiceStatus recorded, int run, Optional<Integer> code) implements Known {
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
     * @param previous the predecessor's last state
     * @param live     every live process that carries one of its cookies
     */
    static ResumePlan of(List<ServiceSpec> services, SupervisorState previous, Cookies cookies, List<LiveProcess> live,
                         ExitCodes exitCodes) {
        List<Step> steps = new ArrayList<>();
        Set<String> adopted = new LinkedHashSet<>();
        for (ServiceSpec spec : services) {
            Optional<ServiceStatus> old = previous.service(spec.name());
            if (old.isEmpty()) {
                steps.add(new Start(spec.name()));
                continue;
            }
            ServiceStatus o = old.get();
            Optional<Adopt> adopt = newestLiveRun(o, cookies, live);
            Step step;
            if (o.state().terminal()) {
                step = new Keep(o);
            } else if (adopt.isPresent()) {
                step = adopt.get();
                adopted.add(adopt.get().process().cookie());
            } else if (o.pid().isPresent() || o.state() == ServiceState.STARTING) {
                // its last run ended while no supervisor watched: the wrapper wrote how
                step = new RecordExit(o, o.run(), exitCodes.of(o.name(), o.run()));
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

    /**
     * The run to adopt: the live group leader with the highest run of the service, not older than the recorded run
     * (a newer one was spawned after the predecessor's last state write). Anything else of the service is a stray.
     */
    private static Optional<Adopt> newestLiveRun(ServiceStatus old, Cookies cookies, List<LiveProcess> live) {
        Optional<Adopt> best = Optional.empty();
        for (LiveProcess p : live) {
            OptionalInt run = cookies.run(old.name(), p.cookie());
            if (run.isPresent() && p.groupLeader() && run.getAsInt() >= old.run()
                    && best.map(b -> run.getAsInt() > b.run()).orElse(true)) {
                best = Optional.of(new Adopt(old, p, run.getAsInt()));
            }
        }
        return best;
    }
}
