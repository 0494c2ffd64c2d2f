package io.jenkins.plugins.selftest.engine.orphans;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.coverage.Counter;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PythonSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonOrphanScannerTest {

    private static final Path PROJECT = Path.of("src", "test", "resources", "projects", "pytest-src").toAbsolutePath();

    private static CoverageSummary covered(String... modules) {
        return new CoverageSummary(Counter.EMPTY, Counter.EMPTY, Counter.EMPTY, Counter.EMPTY, Counter.EMPTY,
                List.of(), Set.of(modules), List.of(), "python");
    }

    @Test
    void findsTheModuleNoTestImportsAndTheOneOnlyItImports() throws Exception {
        PythonSources sources = PythonSources.detect(PROJECT, List.of());

        OrphanReport r = PythonOrphanScanner.scan(PROJECT, sources, OrphanOptions.DEFAULTS,
                covered("inventory.legacy_format"));

        assertThat(sources.targets()).containsExactly("src");
        assertThat(r.isPython()).isTrue();
        assertThat(r.problems()).isEmpty();
        assertThat(r.orphans()).containsExactly(
                new Orphan("inventory.legacy_export", false, false),
                new Orphan("inventory.legacy_format", true, true));
    }

    @Test
    void withoutRecursionOnlyTheModulesNothingImports() throws Exception {
        OrphanOptions flat = new OrphanOptions(true, true, false, false, java.util.Optional.empty());

        OrphanReport r = PythonOrphanScanner.scan(PROJECT, PythonSources.detect(PROJECT, List.of()), flat,
                CoverageSummary.NO_COVERAGE);

        assertThat(r.orphans()).extracting(Orphan::className).containsExactly("inventory.legacy_export");
    }

    @Test
    void flatLayoutRelativeImportsAndPackageInitsCount(@TempDir Path ws) throws Exception {
        Files.createDirectories(ws.resolve("app/sub"));
        Files.createDirectories(ws.resolve("tests"));
        Files.writeString(ws.resolve("app/__init__.py"), "");
        Files.writeString(ws.resolve("app/sub/__init__.py"), "from .core import run\n");
        Files.writeString(ws.resolve("app/sub/core.py"), "from ..util import helper\n");
        Files.writeString(ws.resolve("app/util.py"), "def helper(): pass\n");
        Files.writeString(ws.resolve("app/lonely.py"), "import app.sub.core\n");
        Files.writeString(ws.resolve("app/cycle_a.py"), "from . import cycle_b\n");
        Files.writeString(ws.resolve("app/cycle_b.py"), "from app import cycle_a\n");
        Files.writeString(ws.resolve("tests/__init__.py"), "");
        Files.writeString(ws.resolve("tests/test_app.py"), "from app.sub import run\n");

        PythonSources sources = PythonSources.detect(ws, List.of());
        OrphanReport r = PythonOrphanScanner.scan(ws, sources, OrphanOptions.DEFAULTS, CoverageSummary.NO_COVERAGE);

        assertThat(sources.targets()).as("tests/ is no source").containsExactly("app");
        assertThat(r.orphans()).extracting(Orphan::className)
                .containsExactly("app.cycle_a", "app.cycle_b", "app.lonely");
    }

    @Test
    void aSavedListIsReusedForModulesThatStillExist(@TempDir Path tmp) throws Exception {
        Path saved = tmp.resolve("orphans.json");
        PythonSources sources = PythonSources.detect(PROJECT, List.of());
        PythonOrphanScanner.scan(PROJECT, sources, OrphanOptions.DEFAULTS.withSavedList(saved),
                CoverageSummary.NO_COVERAGE);
        Files.writeString(saved, Files.readString(saved).replace("inventory.legacy_format", "inventory.gone"));

        OrphanReport r = PythonOrphanScanner.scan(PROJECT, sources, OrphanOptions.DEFAULTS.withSavedList(saved),
                covered("inventory.legacy_export"));

        assertThat(r.orphans()).containsExactly(new Orphan("inventory.legacy_export", false, true));
    }

    @Test
    void noSourceRootIsOneProblemLine(@TempDir Path ws) throws Exception {
        Files.writeString(ws.resolve("test_x.py"), "def test(): pass\n");

        OrphanReport r = PythonOrphanScanner.scan(ws, PythonSources.detect(ws, List.of()), OrphanOptions.DEFAULTS,
                CoverageSummary.NO_COVERAGE);

        assertThat(r.orphans()).isEmpty();
        assertThat(r.problems()).singleElement().asString().contains("no Python source root", "coverageSources");
    }
}
