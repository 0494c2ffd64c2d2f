package io.jenkins.plugins.selftest.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Test support: runs commands in-process with captured output, and probes podman. Not thread-safe (System.out). */
final class Cli {

    record Result(int exit, String out, String err) {
    }

    /** Waits up to {@code timeout} for {@code condition}, checking every 50 ms. */
    static void await(Duration timeout, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** {@code selftest supervise SPEC --dir CTL} in a JVM of its own, as from a terminal, all output into {@code out}. */
    static Process supervise(Path spec, Path ctl, Path out) throws IOException {
        return fromATerminal(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SelftestCommand.class.getName(), "supervise", spec.toString(),
                "--dir", ctl.toString())).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = SelftestCommand.commandLine().execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * A process as a terminal starts it, for tests that press Ctrl-C ({@code kill -INT}): with SIGINT at its default
     * disposition. A command started from a background job of a non-interactive shell (CI runners, {@code nohup
     * ... &}) inherits SIGINT <em>ignored</em> (POSIX), and so would the JVM under test, which then never runs its
     * shutdown hooks on SIGINT; perl (in every Debian) resets it before exec'ing {@code argv}.
     */
    static ProcessBuilder fromATerminal(List<String> argv) {
        List<String> wrapped = new java.util.ArrayList<>(List.of("perl", "-e",
                "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\"", "--"));
        wrapped.addAll(argv);
        return new ProcessBuilder(wrapped);
    }

    /** A custom-framework workspace: tests/test_mN.py files. */
    static Path workspace(Path dir, int tests) throws IOException {
        Files.createDirectories(dir.resolve("tests"));
        for (int i = 0; i < tests; i++) {
            Files.writeString(dir.resolve("tests/test_m" + i + ".py"), "def test_ok(): pass\n");
        }
        return dir;
    }

    /** Writes one JUnit case per test id; the case fails when its id contains FAILING. */
    static final String WRITE_JUNIT = "for t in $(cat \"$SELFTEST_TESTS_FILE\"); do n=$(basename \"$t\" .py); "
            + "body=''; case \"$n\" in *FAILING*) body='<failure message=\"on purpose\"/>';; esac; "
            + "printf '<testsuite name=\"%s\" tests=\"1\"><testcase classname=\"%s\" name=\"ok\" time=\"0.1\">%s</testcase></testsuite>' "
            + "\"$n\" \"$n\" \"$body\" > \"$SELFTEST_REPORTS_DIR/TEST-$n.xml\"; done";

    static final String IMAGE = "localhost/selftest-java17:latest";

    /** Skips (with CI=true: fails) unless podman runs the test image. */
    static void assumePodman() throws Exception {
        String problem = null;
        try {
            Process p = new ProcessBuilder("podman", "run", "--rm", "--network", "none", "-v", "/usr:/usr:ro", IMAGE, "/bin/true")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                problem = out.strip();
            }
        } catch (IOException e) {
            problem = e.getMessage();
        }
        if (problem == null) {
            return;
        }
        String msg = "podman cannot run " + IMAGE + " (" + problem + "); run scripts/setup-machine.sh and scripts/build-test-image.sh";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true, so this container test fails instead of skipping: " + msg);
        }
        Assumptions.abort(msg);
    }

    static List<String> containersOfRun(String runId) throws Exception {
        Process p = new ProcessBuilder("podman", "ps", "-a", "-q", "--filter", "label=selftest.run=" + runId)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static void waitUntil(Duration limit, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(200);
        }
    }

    private Cli() {
    }
}
