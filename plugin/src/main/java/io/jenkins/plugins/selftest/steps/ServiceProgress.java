package io.jenkins.plugins.selftest.steps;

import io.jenkins.plugins.selftest.engine.supervisor.Readiness;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceSpec;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a supervisor's spec and state mean for {@code supervisedService}: how long to wait, whether the body may start,
 * which service failed, and the words for the build log and the step's status. Pure functions of engine values.
 */
final class ServiceProgress {

    /** What the ready wait allows at least, however quick the services' own timeouts. */
    static final Duration MIN_READY_WAIT = Duration.ofMinutes(1);
    /** What a service without a readiness check is given to start. */
    static final Duration UNCHECKED_START = Duration.ofSeconds(30);
    /** What the agent is given beyond the longest stop timeout to report the services stopped. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(10);

    private ServiceProgress() {
    }

    /** The sum of the services' readiness timeouts and start times (dependencies may chain), at least a minute. */
    static Duration readyTimeout(SupervisorSpec spec) {
        Duration sum = Duration.ZERO;
        for (ServiceSpec s : spec.services()) {
            sum = sum.plus(s.ready().map(Readiness::timeout).orElse(UNCHECKED_START)).plus(s.startSeconds());
        }
        return sum.compareTo(MIN_READY_WAIT) < 0 ? MIN_READY_WAIT : sum;
    }

    /** How long a stop waits for the supervisor: the longest stop timeout and a margin. */
    static Duration stopWait(SupervisorSpec spec) {
        return spec.services().stream().map(ServiceSpec::stopTimeout).max(Duration::compareTo)
                .orElse(ServiceSpec.DEFAULT_STOP_TIMEOUT).plus(STOP_MARGIN);
    }

    /** Whether the body may start: every service is ready or has exited successfully. */
    static boolean ready(SupervisorState s) {
        return s.services().stream().allMatch(x -> x.state() == ServiceState.READY || x.state() == ServiceState.EXITED);
    }

    /**
     * The service to blame for a start that failed: a FAILED one, preferring a service that failed on its own to one
     * that failed because a dependency did.
     */
    static Optional<ServiceStatus> failed(SupervisorState s) {
        return s.services().stream().filter(x -> x.state() == ServiceState.FAILED)
                .min(Comparator.comparing(x -> x.message().orElse("").startsWith("dependency")));
    }

    /** {@code api ready at 127.0.0.1:41234, db running (2 restarts)}: the step's status. */
    static String status(SupervisorState s) {
        List<String> parts = new ArrayList<>();
        for (ServiceStatus st : s.services()) {
            parts.add(st.name() + " " + word(st.state()) + endpoint(st)
                    + (st.restarts() > 0 ? " (" + st.restarts() + " restarts)" : ""));
        }
        return String.join(", ", parts);
    }

    /** {@code api, db at 127.0.0.1:41234}: which services the body gets, and where it reaches them. */
    static String readyLine(SupervisorState s) {
        return String.join(", ", s.services().stream().map(st -> st.name() + endpoint(st)).toList());
    }

    /**
     * Where the body reaches a service: {@code " at 127.0.0.1:41234"} for one port, {@code " at 127.0.0.1 (5432 on
     * 41234, 6379 on 41240)"} for several (container port on host port), empty without a port.
     */
    static String endpoint(ServiceStatus st) {
        if (st.host().isEmpty() || st.ports().isEmpty()) {
            return "";
        }
        if (st.ports().size() == 1) {
            return " at " + hostPort(st.host().get(), st.ports().values().iterator().next());
        }
        return " at " + st.host().get() + " (" + String.join(", ", st.ports().entrySet().stream()
                .map(e -> e.getKey() + " on " + e.getValue()).toList()) + ")";
    }

    /** {@code host:port}, an IPv6 address in brackets. */
    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code api (stopped, 0 restarts), db (stopped, 1 restarts)}: what the end of the step reports. */
    static String stopped(SupervisorState s) {
        return String.join(", ", s.services().stream()
                .map(x -> x.name() + " (" + word(x.state()) + ", " + x.restarts() + " restarts)").toList());
    }

    /** What a user needs to know about a service that failed: its message, last exit and restarts. */
    static String describe(ServiceStatus st) {
        List<String> parts = new ArrayList<>();
        st.message().ifPresent(parts::add);
        st.lastExit().ifPresent(e -> parts.add("its last run ended with " + e.describe()));
        if (st.restarts() > 0) {
            parts.add(st.restarts() + " restarts");
        }
        return parts.isEmpty() ? word(st.state()) : String.join("; ", parts);
    }

    private static String word(ServiceState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
