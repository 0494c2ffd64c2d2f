package io.jenkins.plugins.selftest.realjenkins;

import java.nio.file.Path;

/** The bundled example projects, which real-Jenkins Pipelines copy into their workspaces. */
final class Examples {

    private Examples() {
    }

    /** The engine's multi-module Maven reactor fixture (engine/src/test/resources/projects/reactor). */
    static String reactor() {
        return Path.of(System.getProperty("examples.dir", "../examples"), "..", "engine", "src", "test", "resources",
                "projects", "reactor").toAbsolutePath().normalize().toString();
    }

    static String calculator() {
        return Path.of(System.getProperty("examples.dir", "../examples"), "calculator").toAbsolutePath().normalize()
                .toString();
    }
}
