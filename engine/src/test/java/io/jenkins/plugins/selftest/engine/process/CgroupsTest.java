package io.jenkins.plugins.selftest.engine.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CgroupsTest {

    @Test
    void aCookieBecomesOneDirectoryNameWhateverItHolds() {
        assertThat(Cgroups.name("run-1/shard-0")).isEqualTo("tree-run-1_shard-0");
        assertThat(Cgroups.name("sup.web server.3")).isEqualTo("tree-sup.web_server.3");
        assertThat(Cgroups.name("../x")).doesNotContain("/");
        assertThat(Cgroups.name("AZaz09._-~ \u00e9\u0661\ud83d\ude00")).as("ASCII letters, digits, dot and dash kept")
                .isEqualTo("tree-AZaz09._-______");
    }

    @Test
    void theModeSaysWhichStopIsInUseAndWhy() {
        assertThat(new Cgroups.Mode(Optional.of(Path.of("/sys/fs/cgroup/selftest")), "").describe())
                .isEqualTo("stops use a cgroup per process tree (cgroup v2, /sys/fs/cgroup/selftest)");
        assertThat(new Cgroups.Mode(Optional.empty(), "SELFTEST_CGROUPS=off").describe())
                .startsWith("stops use process group + cookie only, no cgroups (SELFTEST_CGROUPS=off)");
    }

    @Test
    void theJoiningWrapperExecsTheCommandWithItsArgumentsUnchanged() {
        assertThat(Cgroups.joining(Path.of("/cg/tree-x"), List.of("prog", "a b", "$c")))
                .containsSubsequence("/cg/tree-x/cgroup.procs", "prog", "a b", "$c").endsWith("$c");
    }
}
