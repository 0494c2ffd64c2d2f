package io.jenkins.plugins.selftest.engine.supervisor;

import java.util.Locale;

/** When a service whose process ended is started again. */
public enum RestartPolicy {
    /** Every exit is followed by a restart (until the restart limit). */
    ALWAYS,
    /** Only an exit with a code outside {@link ServiceSpec#successExitCodes()} (or by a signal) restarts. */
    ON_FAILURE,
    /** The service runs once. */
    NEVER;

    /** The spelling in spec files: {@code always}, {@code on-failure}, {@code never}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a spec-file spelling ({@code on-failure}, {@code on_failure} and {@code ON_FAILURE} all work).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static RestartPolicy parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (RestartPolicy p : values()) {
            if (p.name().equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of always, on-failure, never; pick one of those");
    }

    /** Whether an exit with {@code code} (a signal death is 128 + signal) calls for a restart. */
    public boolean restartsAfter(int code, java.util.Set<Integer> successCodes) {
        return switch (this) {
            case ALWAYS -> true;
            case ON_FAILURE -> !successCodes.contains(code);
            case NEVER -> false;
        };
    }
}
