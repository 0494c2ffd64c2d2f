package io.jenkins.plugins.selftest.engine.orphans;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.orphans.PythonImports.Import;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonImportsTest {

    @Test
    void readsEveryFormOfImport() {
        String src = """
                import os
                import a.b as ab, c.d
                from x.y import z as zz, w
                from . import sibling
                from ..m import y
                from .pkg.sub import (
                    one,   # a comment inside
                    two as deux,
                )
                from star import *
                import very.long \\
                    .name
                def f():
                    import inner.mod; from lazy import thing
                """;

        assertThat(PythonImports.read(src)).containsExactly(
                new Import(0, "os", List.of()),
                new Import(0, "a.b", List.of()),
                new Import(0, "c.d", List.of()),
                new Import(0, "x.y", List.of("z", "w")),
                new Import(1, "", List.of("sibling")),
                new Import(2, "m", List.of("y")),
                new Import(1, "pkg.sub", List.of("one", "two")),
                new Import(0, "star", List.of()),
                new Import(0, "very.long.name", List.of()),
                new Import(0, "inner.mod", List.of()),
                new Import(0, "lazy", List.of("thing")));
    }

    @Test
    void importsInCommentsStringsAndDocstringsAreNone() {
        String src = "\"\"\"Module doc.\n\nimport fake_in_docstring\nfrom fake import x\n\"\"\"\n"
                + "# import fake_in_comment\n"
                + "s = 'import fake_in_string'\n"
                + "t = r'''\nimport fake_in_raw\n'''\n"
                + "u = \"escaped \\\" import fake_after_escape\"\n"
                + "importlib_call = 1\n"
                + "fromage = 'brie'\n"
                + "import real\n";

        assertThat(PythonImports.read(src)).containsExactly(new Import(0, "real", List.of()));
    }

    @Test
    void anUnterminatedStringEndsWithItsLineAndTheRestIsStillRead() {
        assertThat(PythonImports.read("x = 'broken\nimport after\n"))
                .containsExactly(new Import(0, "after", List.of()));
    }

    @Test
    void isBounded() {
        String big = "import first\n" + "x = 1\n".repeat(PythonImports.MAX_CHARS / 6 + 10) + "import beyond\n";

        assertThat(PythonImports.read(big)).containsExactly(new Import(0, "first", List.of()));
    }
}
