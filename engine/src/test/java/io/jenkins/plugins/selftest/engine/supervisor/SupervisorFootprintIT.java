package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a daemon costs with many services (#12): its thread count does not grow with them (no JDK reaper thread per
 * run: the keeper is every run's parent), and each service's process is its command itself, a child of the keeper.
 */
class SupervisorFootprintIT {

    private static final int SERVICES = 100;

    @TempDir
    Path tmp;
    private final List<SupervisorClient> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (SupervisorClient c : clients) {
            c.stopOrKill(Duration.ofSeconds(5));
        }
    }

    @Test
    void aDaemonWithAHundredServicesHasAsManyThreadsAsWithOneAndEachRunIsItsCommandUnderTheKeeper() throws Exception {
        SupervisorClient one = launch("one", 1);
        SupervisorClient hundred = launch("hundred", SERVICES);
        int withOne = threads(one);
        int withHundred = threads(hundred);

        assertThat(withHundred).as("threads with %d services (with one: %d)", SERVICES, withOne)
                .isLessThanOrEqualTo(withOne + 3).isLessThan(40);

        long daemon = hundred.owner().orElseThrow().pid();
        for (ServiceStatus s : hundred.state().orElseThrow().services()) {
            long pid = s.pid().orElseThrow();
            assertThat(cmdline(pid)).as("no wrapper or setsid around the command").isEqualTo("sleep 300 ");
            long parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElseThrow();
            assertThat(parent).as("the parent of %s", s.name()).isNotEqualTo(daemon);
            assertThat(ProcessHandle.of(parent).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("the keeper is the daemon's child").contains(daemon);
            assertThat(ProcessTree.processGroup(pid)).as("leads its own group").contains(pid);
        }
    }

    private SupervisorClient launch(String name, int services) throws Exception {
        List<ServiceSpec> list = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            list.add(ServiceSpec.builder("svc" + i, List.of("sleep", "300")).build());
        }
        SupervisorClient client = SupervisorClient.launch(tmp.resolve(name), SupervisorSpec.of(list), DaemonLauncher.currentJvm());
        clients.add(client);
        await(services + " services running", Duration.ofSeconds(60), () -> {
            try {
                return client.state().map(st -> st.services().stream()
                        .filter(s -> s.state() == ServiceState.READY && s.pid().isPresent()).count() == services).orElse(false);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
        Thread.sleep(500); // the housekeeping and probe threads have started, as they would in a long run
        return client;
    }

    private static int threads(SupervisorClient client) throws IOException {
        long pid = client.owner().orElseThrow().pid();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new IllegalStateException("no thread count for pid " + pid);
    }

    private static String cmdline(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    }
}
