package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Instant;
import java.util.Optional;

/**
 * How one run of a service ended.
 *
 * @param run      the run number (1 for the first start)
 * @param code     exit code; a death by signal N is {@code 128 + N}, as the shell reports it
 * @param signal   the signal name when {@code code > 128} names one
 * @param at       when the supervisor learned of the exit
 * @param recorded how it was learned: the {@linkplain Recorded#label() label} of a {@link Recorded}
 */
public record ExitInfo(int run, int code, Optional<String> signal, Instant at, String recorded) {

    /** How an exit was learned; {@link #label()} is its spelling in {@link ExitInfo#recorded()}. */
    public enum Recorded {
        /** The supervisor saw its own child end. */
        PROCESS("process"),
        /** Taken from the wrapper's exit file, e.g. after a resume. */
        EXIT_FILE("exit-file"),
        /** The run vanished without a record. */
        UNKNOWN("unknown");

        private final String label;

        Recorded(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** What an event about such an exit adds to its description. */
        String note() {
            return switch (this) {
                case PROCESS -> "";
                case EXIT_FILE -> " (while no supervisor watched)";
                case UNKNOWN -> " (no exit recorded: the run vanished)";
            };
        }
    }

    static ExitInfo of(int run, int code, Instant at, Recorded recorded) {
        Optional<String> signal = Optional.empty();
        if (code > 128 && code < 160) {
            int n = code - 128;
            signal = Optional.of(switch (n) {
                case 1 -> "HUP";
                case 2 -> "INT";
                case 3 -> "QUIT";
                case 6 -> "ABRT";
                case 9 -> "KILL";
                case 11 -> "SEGV";
                case 13 -> "PIPE";
                case 15 -> "TERM";
                default -> "SIG" + n;
            });
        }
        return new ExitInfo(run, code, signal, at, recorded.label());
    }

    /** {@code exit 1}, {@code killed by TERM (143)}. */
    public String describe() {
        return signal.map(s -> "killed by " + s + " (" + code + ")").orElse("exit " + code);
    }
}
