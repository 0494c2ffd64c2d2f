package io.jenkins.plugins.selftest.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunOwnerTest {

    @Test
    void thisProcessIsAliveAndItsLabelsReadBack() {
        RunOwner me = RunOwner.current().orElseThrow();

        assertThat(me.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(RunOwner.of(me.labels())).contains(me);
        assertThat(RunOwner.liveness(me.labels())).isEqualTo(RunOwner.Liveness.ALIVE);
    }

    @Test
    void anOwnerThatExitedIsGoneAndAReusedPidIsNotItsOwner() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        RunOwner owner = new RunOwner(RunOwner.current().orElseThrow().host(), child.pid(),
                io.jenkins.plugins.selftest.engine.process.ProcessTree.startTicks(child.pid()).orElseThrow());
        assertThat(owner.liveness()).isEqualTo(RunOwner.Liveness.ALIVE);

        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);

        assertThat(owner.liveness()).isEqualTo(RunOwner.Liveness.GONE);
        RunOwner me = RunOwner.current().orElseThrow();
        assertThat(new RunOwner(me.host(), me.pid(), me.startTicks() + 1).liveness()).as("same pid, other start")
                .isEqualTo(RunOwner.Liveness.GONE);
    }

    @Test
    void anotherHostsOwnerOrNoOwnerCannotBeTold() {
        RunOwner me = RunOwner.current().orElseThrow();

        assertThat(new RunOwner("elsewhere.invalid", me.pid(), me.startTicks()).liveness()).isEqualTo(RunOwner.Liveness.UNKNOWN);
        assertThat(RunOwner.liveness(Map.of("selftest", "true"))).isEqualTo(RunOwner.Liveness.UNKNOWN);
        assertThat(RunOwner.liveness(Map.of(RunOwner.HOST_LABEL, me.host(), RunOwner.PID_LABEL, "x",
                RunOwner.START_LABEL, "1"))).isEqualTo(RunOwner.Liveness.UNKNOWN);
    }

    @Test
    void theEnvironmentValueOfAShardReadsBackAndAGarbledOneNamesNoOwner() {
        RunOwner me = RunOwner.current().orElseThrow();

        assertThat(RunOwner.ofEnvironmentValue(me.environmentValue())).contains(me);
        assertThat(RunOwner.ofEnvironmentValue("12:34@host.example")).contains(new RunOwner("host.example", 12, 34));
        assertThat(RunOwner.ofEnvironmentValue("")).isEmpty();
        assertThat(RunOwner.ofEnvironmentValue("12@34:host")).isEmpty();
        assertThat(RunOwner.ofEnvironmentValue("x:34@host")).isEmpty();
    }
}
