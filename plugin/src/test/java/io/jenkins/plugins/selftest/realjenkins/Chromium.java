package io.jenkins.plugins.selftest.realjenkins;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium looking at a real Jenkins page as an anonymous reader: the DOM after the page's scripts ran,
 * and a screenshot kept under {@code target/real-jenkins/screenshots/} for a person to look at.
 */
final class Chromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target", "real-jenkins", "screenshots");

    private Chromium() {
    }

    static void require() {
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
        }
    }

    /** The page's DOM once its scripts have run (up to a few seconds of virtual time). */
    static String dom(String url) throws IOException, InterruptedException {
        Path out = Files.createTempFile("chromium-dom", ".html");
        try {
            run(List.of("--dump-dom", url), out);
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A screenshot of the page, {@code width} x {@code height}, saved as {@code name}.png; returns its path. */
    static Path screenshot(String url, String name, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(SHOTS);
        Path png = SHOTS.resolve(name + ".png").toAbsolutePath();
        Files.deleteIfExists(png);
        run(List.of("--screenshot=" + png, "--window-size=" + width + "," + height, url),
                SHOTS.resolve(name + ".log"));
        if (!Files.isRegularFile(png)) {
            throw new IllegalStateException("Chromium wrote no screenshot of " + url + "; see " + name + ".log");
        }
        return png;
    }

    private static void run(List<String> args, Path output) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> argv = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--virtual-time-budget=8000",
                "--user-data-dir=" + profile));
        argv.addAll(args);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(false)
                    .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Chromium did not finish within 90 s: " + argv);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
