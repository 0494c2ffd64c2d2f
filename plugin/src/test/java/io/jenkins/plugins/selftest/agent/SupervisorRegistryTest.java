package io.jenkins.plugins.selftest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.agent.SupervisorRegistry.Action;
import io.jenkins.plugins.selftest.agent.SupervisorRegistry.BuildState;
import io.jenkins.plugins.selftest.agent.SupervisorRegistry.Decision;
import io.jenkins.plugins.selftest.agent.SupervisorRegistry.Entry;
import io.jenkins.plugins.selftest.agent.SupervisorRegistry.NodeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registry file and the reaper's decisions, without Jenkins. */
class SupervisorRegistryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    private static Entry entry(String node, String dir, String build) {
        return new Entry(node, dir, build, T0);
    }

    @ParameterizedTest(name = "build {0}, node {1} -> {2}")
    @CsvSource({
        "RUNNING,  ONLINE,  KEEP",
        "RUNNING,  OFFLINE, KEEP",
        "RUNNING,  MISSING, KEEP",
        "FINISHED, ONLINE,  REAP",
        "MISSING,  ONLINE,  REAP",
        "FINISHED, OFFLINE, WAIT",
        "MISSING,  OFFLINE, WAIT",
        "FINISHED, MISSING, DROP",
        "MISSING,  MISSING, DROP",
    })
    void decidesFromTheBuildAndTheNode(BuildState build, NodeState node, Action expected) {
        Entry e = entry("agent-1", "/ws@tmp/supervised-1", "job#1");

        List<Decision> d = SupervisorRegistry.decide(List.of(e), id -> build, x -> node);

        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.entry()).isEqualTo(e);
            assertThat(x.action()).isEqualTo(expected);
        });
    }

    @Test
    void decidesEachEntryByItsOwnBuildAndNode() {
        Entry running = entry("a", "/a", "job#1");
        Entry lost = entry("a", "/b", "job#2");
        Entry deleted = entry("", "/c", "gone#3");
        Entry offline = entry("b", "/d", "job#4");
        Map<String, BuildState> builds = Map.of("job#1", BuildState.RUNNING, "job#2", BuildState.FINISHED,
                "gone#3", BuildState.MISSING, "job#4", BuildState.FINISHED);
        Map<String, NodeState> nodes = Map.of("a", NodeState.ONLINE, "", NodeState.ONLINE, "b", NodeState.OFFLINE);

        List<Decision> d = SupervisorRegistry.decide(List.of(running, lost, deleted, offline), builds::get,
                e -> nodes.get(e.node()));

        assertThat(d).extracting(Decision::action).containsExactly(Action.KEEP, Action.REAP, Action.REAP, Action.WAIT);
        assertThat(d.get(1).reason()).isEqualTo("job#2 is over");
        assertThat(d.get(2).reason()).isEqualTo("gone#3 no longer exists");
        assertThat(d.get(3).reason()).isEqualTo("job#4 is over; agent 'b' is offline");
    }

    @Test
    void entriesSurviveANewInstanceAndAreReplacedPerDirectory() throws Exception {
        Path file = tmp.resolve(SupervisorRegistry.FILE_NAME);
        SupervisorRegistry r = new SupervisorRegistry(file);
        r.add(entry("a", "/x", "job#1"));
        r.add(entry("", "/y", "job#2"));
        r.add(entry("a", "/x", "job#3"));

        SupervisorRegistry reloaded = new SupervisorRegistry(file);

        assertThat(reloaded.entries()).containsExactly(entry("", "/y", "job#2"), entry("a", "/x", "job#3"));
        assertThat(Files.readString(file)).contains("\"controlDir\"").contains("\"build\"").contains("job#2");

        reloaded.remove("a", "/x");
        reloaded.remove("b", "/nothing");

        assertThat(new SupervisorRegistry(file).entries()).containsExactly(entry("", "/y", "job#2"));
    }

    @Test
    void anUnreadableFileIsMovedAsideAndTheRegistryStartsAfresh() throws Exception {
        Path file = tmp.resolve(SupervisorRegistry.FILE_NAME);
        Files.writeString(file, "{\"entries\":[{\"node\"");
        SupervisorRegistry r = new SupervisorRegistry(file);

        assertThat(r.entries()).isEmpty();
        r.add(entry("a", "/x", "job#1"));

        assertThat(r.entries()).containsExactly(entry("a", "/x", "job#1"));
        assertThat(tmp.resolve(SupervisorRegistry.FILE_NAME + ".unreadable")).hasContent("{\"entries\":[{\"node\"");
    }
}
