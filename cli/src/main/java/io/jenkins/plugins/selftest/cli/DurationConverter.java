package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.supervisor.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * picocli's converter for duration options: the engine's one parser ({@link Durations#parse}: {@code 90} seconds,
 * {@code 500ms}, {@code 90s}, {@code 1.5m}, {@code 1h}, {@code 2d}, ISO-8601 {@code PT20M}), with the CLI's wording
 * when a value is refused (picocli prints it with the option's name and exits with the usage error).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 90, 90s, 20m, 1h");
        }
    }
}
