package io.jenkins.plugins.selftest.realjenkins;

import java.nio.file.Path;

/** The bundled example projects, which real-Jenkins Pipelines copy into their workspaces. */
final class Examples {

    private Examples() {
    }

    static String calculator() {
        return Path.of(System.getProperty("examples.dir", "../examples"), "calculator").toAbsolutePath().normalize()
                .toString();
    }
}
