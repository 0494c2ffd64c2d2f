package io.jenkins.plugins.selftest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code selftest} launcher script ({@code cli/selftest}) as the benchmarks use it: they time the CLI the way a
 * user runs it, with the script's JVM flags, which are read from the script itself so that there is one list of them.
 */
final class CliLauncher {

    private static final Pattern DEFAULT_OPTS = Pattern.compile("(?m)^SELFTEST_DEFAULT_JAVA_OPTS='([^']*)'$");

    private CliLauncher() {
    }

    /** {@code cli/selftest} of the checkout that built this benchmark ({@code bench/target/bench.jar}), checked. */
    static Path script() throws IOException {
        Path script = scriptPath();
        if (!Files.isRegularFile(script)) {
            throw new IOException(script + " is missing: run the benchmark from bench/target/bench.jar of a checkout");
        }
        if (!Files.isRegularFile(script.resolveSibling("target").resolve("selftest.jar"))) {
            throw new IOException("cli/target/selftest.jar is missing: build everything first with ./mvnw -B -DskipTests package");
        }
        return script;
    }

    /** The JVM flags the script gives the CLI unless {@code SELFTEST_JAVA_OPTS} is set. */
    static List<String> defaultJavaOpts() throws IOException {
        Path script = scriptPath();
        Matcher m = DEFAULT_OPTS.matcher(Files.readString(script));
        if (!m.find()) {
            throw new IOException(script + " has no SELFTEST_DEFAULT_JAVA_OPTS='...' line");
        }
        return m.group(1).isBlank() ? List.of() : List.of(m.group(1).trim().split("\\s+"));
    }

    private static Path scriptPath() throws IOException {
        return CoverageBench.ownJar().getParent().getParent().getParent().resolve("cli").resolve("selftest");
    }
}
