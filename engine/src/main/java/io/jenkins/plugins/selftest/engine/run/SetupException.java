package io.jenkins.plugins.selftest.engine.run;

import java.io.IOException;

/**
 * The run could not start: a missing runtime, a missing image, a bad path, a project that does not compile, no
 * tests. The message is one line saying what and what to do (the CLI prints it and exits with 2).
 */
public final class SetupException extends IOException {

    private static final long serialVersionUID = 1L;

    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
