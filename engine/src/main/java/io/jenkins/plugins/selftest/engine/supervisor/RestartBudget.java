package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The restart rules of one service: after an exit, whether it is restarted and after which delay, or why not. The
 * rules are those of {@link ServiceSpec}'s {@code restart}, {@code successExitCodes}, {@code maxRestarts},
 * {@code restartWindow}, {@code backoff} and {@code startSeconds}; the budget is what the service has spent so far.
 * Decided from the exit alone (its time is the clock value), so that every rule can be tested without a process.
 *
 * <p>Immutable; persisted as part of {@link ServiceStatus} ({@code restarts}, {@code recentRestarts},
 * {@code consecutiveFailures}), so that a resumed supervisor goes on with the same budget.
 *
 * @param restarts            restarts so far
 * @param recentRestarts      times of the restarts that count against {@code maxRestarts} (within the window)
 * @param consecutiveFailures failures since the last stable run: the backoff step
 */
record RestartBudget(int restarts, List<Instant> recentRestarts, int consecutiveFailures) {

    /** A service that has not been restarted. */
    static final RestartBudget FRESH = new RestartBudget(0, List.of(), 0);

    RestartBudget {
        recentRestarts = List.copyOf(recentRestarts);
    }

    /** The budget a status recorded (for a resume). */
    static RestartBudget of(ServiceStatus status) {
        return new RestartBudget(status.restarts(), status.recentRestarts(), status.consecutiveFailures());
    }

    /** What to do after an exit; each carries the budget to keep from now on. */
    sealed interface Decision {
        RestartBudget budget();
    }

    /**
     * Restart after {@code delay}; {@code budget().restarts()} is this restart's number.
     */
    record Restart(Duration delay, RestartBudget budget) implements Decision {
    }

    /**
     * The restart policy does not restart: the service ends {@link ServiceState#EXITED} ({@code success}) or
     * {@link ServiceState#FAILED}.
     *
     * @param message what the service's status says about its end
     * @param reason  why it gave up, for the {@code GAVE_UP} event (empty on success)
     */
    record Finish(boolean success, String message, String reason, RestartBudget budget) implements Decision {
    }

    /** The service gives up ({@link ServiceState#FAILED}) although its policy would restart it. */
    record GiveUp(String reason, RestartBudget budget) implements Decision {
    }

    /**
     * Applies the restart rules of {@code spec} to an exit.
     *
     * @param exit        the exit; {@link ExitInfo#at()} is "now" for the restart window
     * @param failedStart the run ended before it counted as started ({@code startSeconds}): a failed start is
     *                    restarted whatever its code, unless the policy is {@code never}
     * @param uptime      how long the run was up; {@code backoff.resetAfter} or more makes it stable, so this
     *                    failure counts as the first again
     */
    Decision afterExit(ServiceSpec spec, ExitInfo exit, boolean failedStart, Duration uptime) {
        int code = exit.code();
        if (code == 126 || code == 127) {
            // the shell could not run the command: another try finds it missing again
            return new GiveUp(exit.describe() + ": the command was not found or is not executable (see logs/"
                    + spec.name() + ".log): fix the command or its PATH", this);
        }
        RestartPolicy policy = spec.restart();
        boolean restart = policy != RestartPolicy.NEVER
                && (failedStart || policy.restartsAfter(code, spec.successExitCodes()));
        if (!restart) {
            boolean success = spec.successExitCodes().contains(code) && !failedStart;
            String reason = success ? "" : "restart policy " + policy.label();
            return new Finish(success, exit.describe() + (success ? "" : ", " + reason), reason, this);
        }
        int consecutive = uptime.compareTo(spec.backoff().resetAfter()) >= 0 ? 0 : consecutiveFailures;
        Deque<Instant> recent = new ArrayDeque<>(recentRestarts);
        if (spec.maxRestarts() >= 0) {
            Duration window = spec.restartWindow();
            if (!window.isZero()) {
                Instant from = exit.at().minus(window);
                while (!recent.isEmpty() && recent.peekFirst().isBefore(from)) {
                    recent.pollFirst();
                }
            }
            if (recent.size() >= spec.maxRestarts()) {
                return new GiveUp("gave up after " + recent.size() + " restarts"
                        + (window.isZero() ? "" : " within " + Durations.format(window)) + ", last " + exit.describe(),
                        new RestartBudget(restarts, List.copyOf(recent), consecutive));
            }
            recent.addLast(exit.at());
        }
        consecutive++;
        return new Restart(spec.backoff().delay(consecutive), new RestartBudget(restarts + 1, List.copyOf(recent), consecutive));
    }
}
