package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One service as the supervisor sees it; part of {@code state.json}. Immutable.
 *
 * @param name                the service
 * @param state               where it is in its life ({@link ServiceState})
 * @param run                 number of the current (or last) run, 1 for the first start; 0 before any
 * @param pid                 pid of the current run's wrapper (its process group leader)
 * @param startTicks          start time of {@code pid} in clock ticks since boot (identifies it across pid reuse)
 * @param cookie              cookie of the current run's process tree
 * @param restarts            restarts so far (kept across a resume)
 * @param recentRestarts      restarts within the restart window (for the limit)
 * @param consecutiveFailures failures since the last stable run (for the backoff)
 * @param startedAt           start of the current run
 * @param readyAt             when the current run became ready
 * @param lastExit            how the last run ended
 * @param message             why it is FAILED or what it waits for
 * @param logBytesDropped     log bytes thrown away by rotation because the service wrote faster than the size cap
 * @param host                where the body reaches the service ({@code 127.0.0.1}, or a remote engine's host);
 *                            empty when it has no port (since 13: older state files load without it)
 * @param ports               its allocated host ports: {@code PORT} for {@code port}, else the container port
 *                            ({@code 5432}, {@code 53/udp}); kept across a resume; empty when it has none
 * @param container           the container's name, for a container service
 */
public record ServiceStatus(String name, ServiceState state, int run, Optional<Long> pid, Optional<Long> startTicks,
                            Optional<String> cookie, int restarts, List<Instant> recentRestarts,
                            int consecutiveFailures, Optional<Instant> startedAt, Optional<Instant> readyAt,
                            Optional<ExitInfo> lastExit, Optional<String> message, long logBytesDropped,
                            Optional<String> host, Map<String, Integer> ports, Optional<String> container) {

    public ServiceStatus {
        recentRestarts = recentRestarts == null ? List.of() : List.copyOf(recentRestarts);
        pid = pid == null ? Optional.empty() : pid;
        startTicks = startTicks == null ? Optional.empty() : startTicks;
        cookie = cookie == null ? Optional.empty() : cookie;
        startedAt = startedAt == null ? Optional.empty() : startedAt;
        readyAt = readyAt == null ? Optional.empty() : readyAt;
        lastExit = lastExit == null ? Optional.empty() : lastExit;
        message = message == null ? Optional.empty() : message;
        host = host == null ? Optional.empty() : host;
        ports = ports == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(ports));
        container = container == null ? Optional.empty() : container;
    }
}
