package io.jenkins.plugins.selftest.agent;

import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient.LogChunk;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * What one poll of a supervisor's control directory found ({@link SupervisorCalls.Poll}). Immutable.
 *
 * <p>Serializable, so that a callable can return it over the agent channel; it travels as its JSON form
 * ({@link #writeReplace}), because the engine values it holds are not {@link Serializable} and Jenkins' class filter
 * trusts only the plugin's own classes on the channel. Never persisted.
 *
 * @param state              the daemon's last {@code state.json}; empty before it wrote one
 * @param logs               per service, in the order asked: the complete lines written since its offset (a chunk
 *                           ends after its last newline, unless a single line is longer than the chunk) and the
 *                           offset to ask for next
 * @param stale              the daemon's heartbeat is stale and it did not stop on purpose: it must be resumed
 * @param heartbeatAgeMillis age of the heartbeat, -1 when there is none yet
 */
public record PollResult(Optional<SupervisorState> state, List<LogChunk> logs, boolean stale, long heartbeatAgeMillis)
        implements Serializable {

    public PollResult {
        state = state == null ? Optional.empty() : state;
        logs = logs == null ? List.of() : List.copyOf(logs);
    }

    /** The new lines of the {@code service}-th service asked for; none when the poll did not read it. */
    public List<String> lines(int service) {
        return service < logs.size() ? logs.get(service).text().lines().toList() : List.of();
    }

    /** Whether any log moved past {@code before} (the offsets asked with), which keeps polling quick. */
    public boolean moved(long[] before) {
        for (int i = 0; i < before.length && i < logs.size(); i++) {
            if (logs.get(i).nextOffset() != before[i]) {
                return true;
            }
        }
        return false;
    }

    private Object writeReplace() {
        return new SerialForm(Json.write(this));
    }

    /** The form on the channel. */
    private record SerialForm(String json) implements Serializable {
        private Object readResolve() {
            return Json.read(json, PollResult.class);
        }
    }
}
