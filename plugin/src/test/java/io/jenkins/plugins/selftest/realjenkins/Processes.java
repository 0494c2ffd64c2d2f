package io.jenkins.plugins.selftest.realjenkins;

import java.util.List;

/** Live processes of this machine, as the tests' "nothing left running" checks see them. */
final class Processes {

    private Processes() {
    }

    /** Live processes whose command line contains {@code text} (a control directory, a run id, a cookie). */
    static List<String> mentioning(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
    }
}
