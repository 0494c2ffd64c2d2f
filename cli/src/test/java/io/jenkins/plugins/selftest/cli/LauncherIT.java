package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cli/selftest}, the launcher script, run as a user runs it. */
class LauncherIT {

    private static final Path SCRIPT = Path.of("selftest").toAbsolutePath();
    private static final Path JAR = Path.of("target", "selftest.jar").toAbsolutePath();

    private record Result(int exit, String out, String err) {
    }

    private static Result launch(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(SCRIPT.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().remove("SELFTEST_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A stand-in java under a JAVA_HOME that prints the arguments it was given, one per line. */
    private static Path echoingJavaHome(Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("jdk").resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tmp.resolve("jdk");
    }

    @Test
    void runsTheCliWithTheRealJavaFromAnyDirectory(@TempDir Path tmp) throws Exception {
        assertThat(JAR).exists();

        Result version = launch(tmp, Map.of(), "--version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("selftest ");

        // started through a link, as from a directory on the PATH
        Path link = Files.createSymbolicLink(tmp.resolve("selftest-link"), SCRIPT);
        Process linked = new ProcessBuilder(link.toString(), "--version").redirectErrorStream(true).start();
        String linkedOut = new String(linked.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(linked.waitFor()).as(linkedOut).isZero();
        assertThat(linkedOut).startsWith("selftest ");

        // the CLI's own exit code and one-line message come through the launcher
        Result bad = launch(tmp, Map.of(), "run", tmp.resolve("no-such-project").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip().lines()).hasSize(1).allMatch(l -> l.startsWith("selftest run:"));
    }

    @Test
    void givesTheJvmTheFlagsOfAShortLivedToolUnlessSelftestJavaOptsIsSet(@TempDir Path tmp) throws Exception {
        Path jdk = echoingJavaHome(tmp);

        Result defaults = launch(tmp, Map.of("JAVA_HOME", jdk.toString()), "run", "my project");
        assertThat(defaults.out().lines()).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                JAR.toString(), "run", "my project");

        Result own = launch(tmp, Map.of("JAVA_HOME", jdk.toString(), "SELFTEST_JAVA_OPTS", "-Xmx1g -Dx=y"), "report");
        assertThat(own.out().lines()).containsExactly("-Xmx1g", "-Dx=y", "-jar", JAR.toString(), "report");

        Result none = launch(tmp, Map.of("JAVA_HOME", jdk.toString(), "SELFTEST_JAVA_OPTS", ""), "report");
        assertThat(none.out().lines()).containsExactly("-jar", JAR.toString(), "report");
    }

    @Test
    void withoutTheJarSaysHowToBuildItInOneLine(@TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve("cli").resolve("selftest");
        Files.createDirectories(copy.getParent());
        Files.copy(SCRIPT, copy);

        Process p = new ProcessBuilder(copy.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(out.strip().lines()).containsExactly("selftest: " + tmp.resolve("cli").resolve("target").resolve("selftest.jar")
                + " does not exist: build it with ./mvnw -B -DskipTests package");
    }
}
