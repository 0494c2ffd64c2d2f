package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.json.IsoInstant;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.time.Instant;
import java.util.Optional;

/**
 * One line of {@code events.jsonl}. Immutable.
 *
 * @param seq      increasing within one supervisor process
 * @param time     when it happened
 * @param type     what happened
 * @param service  the service, empty for events of the supervisor itself
 * @param run      the service's run number (0 for supervisor events)
 * @param pid      the run's pid, when known
 * @param exitCode for {@link Type#EXITED}
 * @param delayMs  for {@link Type#RESTARTING}: the backoff delay
 * @param message  human-readable text
 */
public record SupervisorEvent(long seq, Instant time, Type type, Optional<String> service, int run, Optional<Long> pid,
                              Optional<Integer> exitCode, Optional<Long> delayMs, String message) {

    /** Kinds of events. */
    public enum Type {
        SUPERVISOR_STARTED, SUPERVISOR_RESUMED, SUPERVISOR_STOPPING, SUPERVISOR_STOPPED, SUPERVISOR_FAILED,
        WAITING, SPAWNED, STARTED, READY, NOT_READY, EXITED, RESTARTING, GAVE_UP, ADOPTED, STOPPING, STOPPED,
        LOG_ROTATED
    }

    public SupervisorEvent {
        service = service == null ? Optional.empty() : service;
        pid = pid == null ? Optional.empty() : pid;
        exitCode = exitCode == null ? Optional.empty() : exitCode;
        delayMs = delayMs == null ? Optional.empty() : delayMs;
    }

    /**
     * This event as its line of {@code events.jsonl}: the JSON {@link Json#write} gives, written by hand into one
     * builder of about its size. A daemon writes three events per start and five per restart, and Jackson's bean
     * serializer costs a cold daemon tens of microseconds of CPU each.
     */
    public String jsonLine() {
        StringBuilder sb = new StringBuilder(224).append("{\"seq\":").append(seq).append(",\"time\":\"")
                .append(IsoInstant.format(time)).append("\",\"type\":\"").append(type.name()).append("\",\"service\":");
        if (service.isPresent()) {
            Json.quote(sb, service.get());
        } else {
            sb.append("null");
        }
        sb.append(",\"run\":").append(run);
        orNull(sb.append(",\"pid\":"), pid);
        orNull(sb.append(",\"exitCode\":"), exitCode);
        orNull(sb.append(",\"delayMs\":"), delayMs);
        sb.append(",\"message\":");
        if (message == null) {
            sb.append("null");
        } else {
            Json.quote(sb, message);
        }
        return sb.append('}').toString();
    }

    private static void orNull(StringBuilder sb, Optional<? extends Number> n) {
        if (n.isPresent()) {
            sb.append(n.get().longValue());
        } else {
            sb.append("null");
        }
    }

    /** {@code 12:00:01.234 api EXITED exit 1}. */
    public String describe() {
        return time + " " + service.map(s -> s + " ").orElse("") + type + (message.isEmpty() ? "" : " " + message);
    }
}
