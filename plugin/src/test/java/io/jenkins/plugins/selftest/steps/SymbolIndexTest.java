package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jenkinsci.Symbol;
import org.junit.jupiter.api.Test;

/**
 * structs finds a nested describable by its {@code @Symbol} (as in {@code backoff(...)}) only through
 * annotation-indexer's index, {@code META-INF/services/annotations/org.jenkinsci.Symbol}, which the real
 * {@code @Symbol} asks javac to write through its {@code @Indexed} meta-annotation. annotation-indexer is not on
 * Maven Central, so the plugin ships that index as a resource; this test keeps it equal to the classes that carry
 * {@code @Symbol}, so a new symbol cannot be forgotten.
 */
class SymbolIndexTest {

    private static final String INDEX = "META-INF/services/annotations/org.jenkinsci.Symbol";

    @Test
    void indexListsExactlyTheClassesCarryingASymbol() throws Exception {
        assertThat(indexed()).isEqualTo(annotatedClasses()).isNotEmpty();
    }

    private static Set<String> indexed() throws IOException {
        try (InputStream in = SymbolIndexTest.class.getClassLoader().getResourceAsStream(INDEX)) {
            assertThat(in).as(INDEX + " on the class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> annotatedClasses() throws Exception {
        Path classes = Path.of(SymbolIndexTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("classes");
        Set<String> names = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        for (Path file : files) {
            String rel = classes.relativize(file).toString();
            String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
            Class<?> c = Class.forName(name, false, SymbolIndexTest.class.getClassLoader());
            if (c.isAnnotationPresent(Symbol.class)) {
                names.add(name);
            }
        }
        return names;
    }
}
