package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The shards of a plan that ran on their own ({@code selfTest(shard: n)}, perhaps on several agents), collected into
 * one report directory ({@link ShardDirectory} each) to be merged. Each shard's {@value ShardResult#FILE_NAME} gives
 * its outcome, exit, runtime and problems; its JUnit XML is parsed again here (the one parser), and its counts are
 * taken from that. A planned shard without a result is an {@code error} with a problem naming the step to run.
 * Immutable.
 *
 * @param shards         one per planned shard, by index
 * @param problems       the shards that have no result, one line each
 * @param mode           how the shards ran: the one mode they share, or {@value #SEVERAL_AGENTS}
 * @param longestSeconds the longest shard's runtime: the run's makespan
 */
public record ShardCollection(List<FinishedShard> shards, List<String> problems, String mode, double longestSeconds) {

    /** The mode of shards that did not all run the same way. */
    public static final String SEVERAL_AGENTS = "shards on several agents";

    public ShardCollection {
        shards = List.copyOf(shards);
        problems = List.copyOf(problems);
    }

    /**
     * Collects the shards of {@code plan} from {@code reportDir}'s shard directories.
     *
     * A shard whose result file is damaged is a problem, and its reports are gathered as those of a shard that
     * errored.
     *
     * @throws IOException when a shard's reports cannot be read
     */
    public static ShardCollection collect(ShardPlan plan, Path reportDir) throws IOException {
        List<FinishedShard> shards = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> modes = new LinkedHashSet<>();
        double longest = 0;
        for (ShardPlan.Shard s : plan.shards()) {
            ShardDirectory dir = ShardDirectory.of(reportDir, s.index());
            Optional<ShardResult> kept;
            try {
                kept = dir.readResult();
            } catch (IOException e) {
                problems.add("shard " + (s.index() + 1) + "/" + plan.shardCount() + ": unreadable shard result ("
                        + e.getMessage() + "); its test reports are still gathered");
                ShardReports reports = ShardReports.read(dir.reports());
                shards.add(new FinishedShard(ShardResult.missing(s.index(), plan.shardCount(), s.tests())
                        .withCounts(reports.tests()), reports));
                continue;
            }
            if (kept.isEmpty()) {
                problems.add("shard " + (s.index() + 1) + "/" + plan.shardCount() + " has no results: run "
                        + "selfTest(shard: " + s.index() + ") before selfTestPublish()");
                shards.add(new FinishedShard(ShardResult.missing(s.index(), plan.shardCount(), s.tests()),
                        ShardReports.NONE));
                continue;
            }
            ShardResult r = kept.get();
            ShardReports reports = ShardReports.read(dir.reports());
            longest = Math.max(longest, r.runtimeSeconds());
            if (!r.mode().isEmpty()) {
                modes.add(r.mode());
            }
            shards.add(new FinishedShard(r.withCounts(reports.tests()), reports));
        }
        String mode = modes.size() == 1 ? modes.iterator().next() : SEVERAL_AGENTS;
        return new ShardCollection(shards, problems, mode, longest);
    }
}
