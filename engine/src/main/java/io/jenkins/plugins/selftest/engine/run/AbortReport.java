package io.jenkins.plugins.selftest.engine.run;

import java.util.List;
import java.util.Locale;

/**
 * What an abort of a run did.
 *
 * @param shards   the shards that were running and were stopped
 * @param seconds  from the abort until their processes and containers were gone
 * @param problems what could not be stopped or removed
 */
public record AbortReport(int shards, double seconds, List<String> problems) {

    public AbortReport {
        problems = List.copyOf(problems);
    }

    /** {@code aborted; stopped 2 shards in 0.8 s}, for the log. */
    public String describe() {
        return String.format(Locale.ROOT, "aborted; stopped %d shard%s in %.1f s", shards,
                shards == 1 ? "" : "s", seconds) + (problems.isEmpty() ? "" : "; " + String.join("; ", problems));
    }
}
