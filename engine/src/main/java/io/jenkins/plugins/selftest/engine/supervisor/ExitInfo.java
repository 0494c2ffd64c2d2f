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
 * @param recorded how it was learned: {@code process} (the supervisor saw it), {@code exit-file} (taken from the
 *                 wrapper's file, e.g. after a resume), {@code unknown} (the run vanished without a record)
 */
public record ExitInfo(int run, int code, Optional<String> signal, Instant at, String recorded) {

    static ExitInfo of(int run, int code, Instant at, String recorded) {
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
        return new ExitInfo(run, code, signal, at, recorded);
    }

    /** {@code exit 1}, {@code killed by TERM (143)}. */
    public String describe() {
        return signal.map(s -> "killed by " + s + " (" + code + ")").orElse("exit " + code);
    }
}
