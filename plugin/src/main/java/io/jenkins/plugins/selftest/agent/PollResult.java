package io.jenkins.plugins.selftest.agent;

import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.util.List;
import java.util.Optional;

/**
 * What one poll of a supervisor's control directory found; travels from agent to controller as JSON.
 *
 * @param state       the daemon's last {@code state.json}
 * @param lines       per service (in the order asked), the complete log lines written since its offset
 * @param nextOffsets per service, the offset to ask for next (after the last complete line)
 * @param stale       the daemon's heartbeat is stale and it did not stop on purpose: it must be resumed
 * @param heartbeatAgeMillis age of the heartbeat, -1 when there is none yet
 */
public record PollResult(Optional<SupervisorState> state, List<List<String>> lines, List<Long> nextOffsets,
                         boolean stale, long heartbeatAgeMillis) {

    public PollResult {
        lines = lines.stream().map(List::copyOf).toList();
        nextOffsets = List.copyOf(nextOffsets);
    }

    /** Whether any log moved, which keeps polling quick. */
    public boolean moved(long[] before) {
        for (int i = 0; i < before.length && i < nextOffsets.size(); i++) {
            if (nextOffsets.get(i) != before[i]) {
                return true;
            }
        }
        return false;
    }
}
