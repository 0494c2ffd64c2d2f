package io.jenkins.plugins.selftest.engine.supervisor;

import java.util.OptionalInt;

/**
 * The cookies of one supervisor's runs: run {@code N} of service {@code S} carries {@code <supervisorId>.S.N} in its
 * environment and its whole process tree's (see {@link io.jenkins.plugins.selftest.engine.process.ProcessLauncher}).
 * The supervisor id is kept across resumes, so a successor finds every process of its predecessor's runs by cookie.
 *
 * <p>Immutable.
 *
 * @param supervisorId the prefix of every cookie
 */
record Cookies(String supervisorId) {

    /** The cookie of run {@code run} of {@code service}. */
    String of(String service, int run) {
        return supervisorId + "." + service + "." + run;
    }

    /** What every cookie of this supervisor starts with. */
    String prefix() {
        return supervisorId + ".";
    }

    /** Whether {@code cookie} is one of this supervisor's. */
    boolean ours(String cookie) {
        return cookie.startsWith(prefix());
    }

    /** The run number in {@code cookie} when it is a cookie of {@code service}, else empty. */
    OptionalInt run(String service, String cookie) {
        String prefix = supervisorId + "." + service + ".";
        if (!cookie.startsWith(prefix)) {
            return OptionalInt.empty();
        }
        String run = cookie.substring(prefix.length());
        if (run.isEmpty() || run.length() > 9 || !run.chars().allMatch(Character::isDigit)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(run));
    }
}
