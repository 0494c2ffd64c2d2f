package io.jenkins.plugins.selftest.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCatalogTest {

    /** Not named like a test, found through its @Test annotation in the constant pool. */
    static class Probe {
        @Test
        void probe() {
        }
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(TestCatalogTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void findsTestClassesInCompiledDirectoriesAndSkipsNestedOnes() throws Exception {
        TestCatalog c = TestCatalog.fromClassDirectories(List.of(testClasses()), TestFilter.ALL);

        assertThat(c.tests()).contains(TestCatalogTest.class.getName(), ShardPlannerTest.class.getName());
        assertThat(c.tests()).noneMatch(t -> t.contains("$"));
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void includeAndExcludePatternsSelectTests() throws Exception {
        TestCatalog c = TestCatalog.fromClassDirectories(List.of(testClasses()),
                new TestFilter(List.of("**.shard.*"), List.of("Shard*")));

        assertThat(c.tests()).contains(TestCatalogTest.class.getName(), TimingHistoryTest.class.getName())
                .doesNotContain(ShardPlannerTest.class.getName())
                .allMatch(t -> t.contains(".shard."));
    }

    @Test
    void missingDirectoryIsAProblemNotAnException(@TempDir Path tmp) {
        TestCatalog c = TestCatalog.fromClassDirectories(List.of(tmp.resolve("nope")), TestFilter.ALL);
        assertThat(c.tests()).isEmpty();
        assertThat(c.problems()).singleElement().asString().contains("nope").contains("test-compile");
    }

    @Test
    void sourceGlobsGiveClassNamesForJavaAndPathsOtherwise(@TempDir Path tmp) throws IOException {
        Path java = tmp.resolve("src/test/java/com/x/FooTest.java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "package com.x;\nclass FooTest {}\n");
        Path py = tmp.resolve("tests/unit/test_calc.py");
        Files.createDirectories(py.getParent());
        Files.writeString(py, "def test_x(): pass\n");
        Files.writeString(tmp.resolve("tests/unit/helper.py"), "");

        TestCatalog c = TestCatalog.fromSourceGlobs(tmp, List.of("src/test/java/**Test.java", "tests/**/test_*.py"), TestFilter.ALL);

        assertThat(c.tests()).containsExactly("com.x.FooTest", "tests/unit/test_calc.py");
    }

    @Test
    void patternsWithoutDotsMatchTheSimpleName() {
        assertThat(TestFilter.matches("*IT", "com.x.FooIT")).isTrue();
        assertThat(TestFilter.matches("com.x.*", "com.x.FooIT")).isTrue();
        assertThat(TestFilter.matches("com.*", "com.x.FooIT")).isFalse();
        assertThat(TestFilter.matches("com.**", "com.x.FooIT")).isTrue();
    }
}
