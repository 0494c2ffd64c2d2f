package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gathering's warm-up while the shards run ({@link Gatherer#warmUp}). */
class GathererWarmUpTest {

    /** The engine's own compiled classes: real class files for JaCoCo to analyse. */
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void itAnalysesSomeOfTheProjectsClassesAndLeavesNothingBehind(@TempDir Path tmp) throws Exception {
        assertThat(CLASSES.resolve("io/jenkins/plugins/selftest/engine/run/Gatherer.class")).isRegularFile();
        List<Path> before = warmUpDirectories();
        SelfTestOptions options = SelfTestOptions.builder(tmp).mainClassDirs(List.of(CLASSES))
                .reportDir(tmp.resolve("report")).build();

        assertThat(Gatherer.warmUpNow(List.of(tmp.resolve("none"), CLASSES))).isEqualTo(Gatherer.WARM_UP_CLASSES);
        assertThat(warmUpDirectories()).isEqualTo(before);

        Optional<Thread> thread = Gatherer.warmUp(options, 0);

        assertThat(thread).isPresent();
        thread.get().join(60_000);
        assertThat(thread.get().isAlive()).isFalse();
        assertThat(warmUpDirectories()).isEqualTo(before);
        assertThat(tmp.resolve("report")).doesNotExist();
    }

    @Test
    void itRunsBesideAsManyTestProcessesAsCoresNotMoreAndIsForJvmCoverageOnly(@TempDir Path tmp) throws Exception {
        SelfTestOptions.Builder options = SelfTestOptions.builder(tmp).mainClassDirs(List.of(CLASSES));
        int cores = Runtime.getRuntime().availableProcessors();
        Optional<Thread> besideAsMany = Gatherer.warmUp(options.build(), cores);
        assertThat(besideAsMany).isPresent();
        besideAsMany.get().join();
        assertThat(Gatherer.warmUp(options.build(), cores + 1)).isEmpty();
        assertThat(Gatherer.warmUp(options.coverage(false).build(), 0)).isEmpty();
        assertThat(Gatherer.warmUp(options.coverage(true).framework(Framework.PYTEST).build(), 0)).isEmpty();
    }

    private static List<Path> warmUpDirectories() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("selftest-warm-up")).sorted().toList();
        }
    }
}
