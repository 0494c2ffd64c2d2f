package io.jenkins.plugins.selftest.engine.supervisor;

import static io.jenkins.plugins.selftest.engine.supervisor.SupervisorTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 crash-and-restart cycles must not grow threads, file descriptors, heap or the runs directory: everything per
 * run (reaper threads, the exit future, the exit file, the log descriptor) must be released. Takes about a minute.
 */
class TenThousandRestartsIT {

    private static final int SERVICES = 4;
    private static final int CYCLES = 10_000;

    @TempDir
    Path tmp;

    @Test
    void tenThousandRestartCyclesDoNotGrowThreadsDescriptorsOrMemory() throws Exception {
        ServiceSpec[] services = new ServiceSpec[SERVICES];
        for (int i = 0; i < SERVICES; i++) {
            services[i] = ServiceSpec.builder("crash" + i, List.of("true")).restart(RestartPolicy.ALWAYS)
                    .backoff(Backoff.NONE).maxRestarts(-1).build();
        }
        Supervisor supervisor = Supervisor.start(new ControlDirectory(tmp.resolve("ctl")), SupervisorSpec.of(services),
                Supervisor.Options.fresh("ten" + System.nanoTime()));
        try {
            await("warm-up restarts", Duration.ofSeconds(60), () -> restarts(supervisor) >= 1_000);
            Snapshot before = Snapshot.take(supervisor);

            await(CYCLES + " restarts", Duration.ofSeconds(150), () -> restarts(supervisor) >= CYCLES);
            Snapshot after = Snapshot.take(supervisor);

            assertThat(after.threads).as("threads (%s before)", before.threads).isLessThanOrEqualTo(before.threads + 4);
            assertThat(after.fds).as("file descriptors (%s before)", before.fds).isLessThanOrEqualTo(before.fds + 8);
            assertThat(after.heapMiB).as("heap MiB after GC (%s before)", before.heapMiB).isLessThan(before.heapMiB + 16);
            // deleted after each state write (every 100 ms): only the last few hundred milliseconds of runs remain
            assertThat(after.exitFiles).as("exit files kept").isLessThan(500L);
            assertThat(supervisor.state().droppedEvents()).isZero();
            assertThat(supervisor.state().services()).allSatisfy(s -> assertThat(s.state()).isNotEqualTo(ServiceState.FAILED));
        } finally {
            supervisor.stop("test over");
        }
    }

    private static int restarts(Supervisor s) {
        return s.state().services().stream().mapToInt(ServiceStatus::restarts).sum();
    }

    private record Snapshot(int threads, long fds, long heapMiB, long exitFiles) {
        static Snapshot take(Supervisor s) throws IOException, InterruptedException {
            long heap = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
                heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024));
            }
            // descriptors and threads come and go with each spawn in flight: the fewest of a few samples is the base
            long fds = Long.MAX_VALUE;
            int threads = Integer.MAX_VALUE;
            for (int i = 0; i < 10; i++) {
                try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
                    fds = Math.min(fds, list.count());
                }
                threads = Math.min(threads, ManagementFactory.getThreadMXBean().getThreadCount());
                Thread.sleep(20);
            }
            long exitFiles;
            try (Stream<Path> list = Files.list(s.controlDirectory().path().resolve(ControlDirectory.RUNS))) {
                exitFiles = list.count();
            }
            return new Snapshot(threads, fds, heap, exitFiles);
        }
    }
}
