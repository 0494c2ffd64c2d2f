package io.jenkins.plugins.selftest.engine.report;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium for every test that looks at a page (the CLI's report, the plugin's pages, a real Jenkins): the
 * DOM after the page's scripts ran, and screenshots. Each call starts its own browser with a fresh profile, gives
 * it {@value #LIMIT_SECONDS} s, ends its whole process tree (zygote and GPU helpers must not outlive it) and fails
 * on a non-zero exit. Immutable: {@link #virtualTime} and {@link #with} return a changed copy.
 */
public final class Chromium {

    /** Where the project's machines have it (scripts/setup-machine.sh installs it). */
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final long LIMIT_SECONDS = 90;

    private final int width;
    private final int height;
    private final Duration virtualTime;
    private final List<String> flags;

    private Chromium(int width, int height, Duration virtualTime, List<String> flags) {
        this.width = width;
        this.height = height;
        this.virtualTime = virtualTime;
        this.flags = List.copyOf(flags);
    }

    /** A browser with a {@code width} x {@code height} window that lets a page's scripts run 5 s of virtual time. */
    public static Chromium window(int width, int height) {
        return new Chromium(width, height, Duration.ofSeconds(5), List.of());
    }

    /**
     * Skips the calling test when this machine has no Chromium; on CI ({@code CI=true}) it must be there, so the
     * test runs and fails instead.
     */
    public static void require() {
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            assumeTrue(Files.isExecutable(BINARY), "no Chromium at " + BINARY);
        }
    }

    /** How much virtual time the page's scripts get (timers run at once, network waits count). */
    public Chromium virtualTime(Duration time) {
        return new Chromium(width, height, time, flags);
    }

    /** More command-line flags, e.g. {@code --force-dark-mode} or {@code --allow-file-access-from-files}. */
    public Chromium with(String... more) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(List.of(more));
        return new Chromium(width, height, virtualTime, all);
    }

    /** The page's DOM once its scripts ran, from {@code <html} to {@code </html>}. */
    public String dom(String url) throws IOException, InterruptedException {
        Path out = Files.createTempFile("chromium-dom", ".txt");
        try {
            run(List.of("--dump-dom", url), out);
            String s = Files.readString(out);
            int start = s.indexOf("<html");
            int end = s.lastIndexOf("</html>");
            if (start < 0 || end < start) {
                throw new AssertionError("Chromium printed no DOM of " + url + ":\n"
                        + (s.length() > 4000 ? s.substring(0, 4000) : s));
            }
            return s.substring(start, end + "</html>".length());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A screenshot of the page's window, written to {@code png} (its directory created); returns {@code png}. */
    public Path screenshot(String url, Path png) throws IOException, InterruptedException {
        Path file = png.toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Path log = file.resolveSibling(file.getFileName() + ".log");
        run(List.of("--screenshot=" + file, url), log);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("Chromium wrote no screenshot of " + url + "; see " + log);
        }
        return file;
    }

    private void run(List<String> args, Path output) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> argv = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "--virtual-time-budget=" + virtualTime.toMillis()));
        argv.addAll(flags);
        argv.addAll(args);
        try {
            LaunchedProcess p = ProcessLauncher.start(LaunchSpec.argv(argv)
                    .output(new LaunchSpec.Output.ToFile(output, false)).build());
            if (!p.process().waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.stop(Signal.KILL, Duration.ofSeconds(2));
                throw new AssertionError("Chromium did not finish within " + LIMIT_SECONDS + " s: " + Files.readString(output));
            }
            p.stop(Signal.TERM, Duration.ofSeconds(2));
            if (p.process().exitValue() != 0) {
                throw new AssertionError("Chromium exited with " + p.process().exitValue() + ": " + argv + "\n"
                        + Files.readString(output));
            }
        } finally {
            try (Stream<Path> walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
