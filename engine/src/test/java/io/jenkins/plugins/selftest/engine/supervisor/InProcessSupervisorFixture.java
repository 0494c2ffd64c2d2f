package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture the in-process supervisor ITs share: a supervisor on a fresh control directory under {@link #tmp},
 * stopped (every tree gone) after each test.
 */
abstract class InProcessSupervisorFixture {

    @TempDir
    Path tmp;

    Supervisor supervisor;

    @AfterEach
    void stopSupervisor() {
        if (supervisor != null) {
            supervisor.stop("test over");
        }
    }

    Supervisor run(ServiceSpec... services) throws Exception {
        supervisor = Supervisor.start(new ControlDirectory(tmp.resolve("ctl")), SupervisorSpec.of(services),
                Supervisor.Options.fresh("t" + System.nanoTime()));
        return supervisor;
    }
}
