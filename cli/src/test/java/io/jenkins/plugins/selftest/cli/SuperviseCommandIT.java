package io.jenkins.plugins.selftest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code selftest supervise} as a real process: foreground run, Ctrl-C, --status, spec errors. */
class SuperviseCommandIT {

    @TempDir
    Path tmp;

    @Test
    void runsInTheForegroundAndStopsEverythingOnCtrlCWithExitZero() throws Exception {
        Path spec = tmp.resolve("services.yaml");
        Path grandchild = tmp.resolve("grandchild.pid");
        Files.writeString(spec, """
                services:
                  - name: web
                    command: "echo serving; sleep 300"
                    ready: {log: serving}
                  - name: worker
                    command: "setsid sh -c 'sleep 300 & echo $! > %s; wait' & sleep 300"
                    dependsOn: [web]
                """.formatted(grandchild));
        Path ctl = tmp.resolve("ctl");
        Path out = tmp.resolve("out.txt");
        Process p = Cli.supervise(spec, ctl, out);
        try {
            Cli.await(Duration.ofSeconds(60), () -> Files.exists(grandchild) && Files.size(grandchild) > 0 && Files.readString(out).contains("worker           READY"));

            // state.json trails the printed events by up to its write period (100 ms, longer on a loaded machine)
            StringWriter status = new StringWriter();
            Cli.await(Duration.ofSeconds(60), () -> {
                status.getBuffer().setLength(0);
                CommandLine cl = SelftestCommand.commandLine();
                cl.setOut(new PrintWriter(status));
                assertThat(cl.execute("supervise", "--status", ctl.toString())).isZero();
                return status.toString().matches("(?s).*worker +READY.*");
            });
            assertThat(status.toString()).contains("NAME").contains("STATE").contains("RESTARTS").contains("LAST EXIT")
                    .containsPattern("web +READY +\\d+ +0 ").containsPattern("worker +READY");
            String cookiePrefix = SupervisorClient.open(ctl).state().orElseThrow().supervisorId() + ".";

            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(Files.readString(out)).contains("STOPPED").contains("stopped 2 service(s)");
            long gc = Long.parseLong(Files.readString(grandchild).trim());
            assertThat(ProcessTree.isRunning(gc)).isFalse();
            assertThat(ProcessTree.cookieHolders(c -> c.startsWith(cookiePrefix))).isEmpty();
            assertThat(SupervisorClient.open(ctl).state().orElseThrow().phase()).isEqualTo(SupervisorState.Phase.STOPPED);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void environmentOfTheCommandReachesTheServicesButNoFileOfTheControlDirectory() throws Exception {
        String secret = "s3cr3t-" + Long.toHexString(System.nanoTime());
        Path spec = tmp.resolve("db.yaml");
        // the service proves it sees the secret without printing it: its log is in the control directory too
        Files.writeString(spec, """
                services:
                  - name: db
                    command: "printf %s \\"$DB_PASSWORD\\" | sha256sum | cut -c1-64; sleep 300"
                    env: {PORT: "5432"}
                """);
        Path ctl = tmp.resolve("ctl");
        ProcessBuilder pb = Cli.fromATerminal(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SelftestCommand.class.getName(), "supervise",
                spec.toString(), "--dir", ctl.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().put("DB_PASSWORD", secret);
        Process p = pb.start();
        try {
            Path log = ctl.resolve("logs").resolve("db.log");
            Cli.await(Duration.ofSeconds(60), () -> Files.exists(log) && Files.readString(log).contains("\n"));
            assertThat(Files.readString(log).trim()).isEqualTo(java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8))));

            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            try (Stream<Path> files = Files.walk(ctl)) {
                assertThat(files.filter(Files::isRegularFile).filter(f -> contains(f, secret)).toList())
                        .as("files of the control directory holding the secret").isEmpty();
            }
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void startingAgainAfterTheCliWasKilledWithSigkillStopsTheOrphanSoExactlyOneServiceHoldsThePort() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path holders = tmp.resolve("holders.txt");
        Path spec = tmp.resolve("web.yaml");
        // each process that binds the port appends its pid; one that cannot bind it exits 1
        Files.writeString(spec, """
                services:
                  - name: web
                    command: "exec python3 -c 'import os,socket,time; s=socket.socket(); s.bind((\\"127.0.0.1\\", %d)); s.listen(); open(\\"%s\\", \\"a\\").write(str(os.getpid()) + \\"\\\\n\\"); time.sleep(600)'"
                    ready: {port: %d, host: 127.0.0.1}
                """.formatted(port, holders, port));
        Path ctl = tmp.resolve("ctl");
        List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SelftestCommand.class.getName(), "supervise", spec.toString(),
                "--dir", ctl.toString());
        Process first = Cli.fromATerminal(argv).redirectErrorStream(true).redirectOutput(tmp.resolve("first.txt").toFile()).start();
        Process second = null;
        try {
            Cli.await(Duration.ofSeconds(60), () -> Files.exists(holders) && Files.readString(tmp.resolve("first.txt")).contains("web              READY"));
            long orphan = Long.parseLong(Files.readString(holders).strip());
            first.destroyForcibly(); // SIGKILL of the CLI, and with it of the supervisor it runs in-process
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ProcessTree.isRunning(orphan)).as("the service outlives the killed CLI").isTrue();

            second = Cli.fromATerminal(argv).redirectErrorStream(true).redirectOutput(tmp.resolve("second.txt").toFile()).start();
            Cli.await(Duration.ofSeconds(60), () -> Files.readString(tmp.resolve("second.txt")).contains("web              READY"));

            List<Long> bound = Files.readAllLines(holders).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
            assertThat(ProcessTree.isRunning(orphan)).as("the orphan of the killed CLI").isFalse();
            assertThat(bound).as("processes that bound the port: the orphan, then the new service").hasSize(2);
            assertThat(ProcessTree.isRunning(bound.get(1))).isTrue();
            SupervisorState state = SupervisorClient.open(ctl).state().orElseThrow();
            assertThat(state.services()).singleElement().satisfies(s -> assertThat(s.restarts()).isZero());
            Cli.await(Duration.ofSeconds(60), () -> SupervisorClient.open(ctl).state().orElseThrow().problems().stream()
                    .anyMatch(m -> m.startsWith("stopped 1 run(s) of an earlier supervisor on this directory")));
            String prefix = state.supervisorId() + ".";
            assertThat(ProcessTree.cookieHolders(c -> c.indexOf('.') > 0 && !c.startsWith(prefix)).keySet().stream()
                    .filter(pid -> ProcessTree.environmentValue(pid, "SELFTEST_CONTROL_DIR").map(ctl.toString()::equals).orElse(false)))
                    .as("processes of the killed CLI's supervisor still running for the directory").isEmpty();
        } finally {
            first.destroyForcibly();
            if (second != null) {
                new ProcessBuilder("kill", "-INT", Long.toString(second.pid())).start().waitFor();
                second.waitFor(30, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
            (Files.exists(holders) ? Files.readAllLines(holders) : List.<String>of()).stream().filter(l -> !l.isBlank())
                    .map(Long::parseLong).forEach(pid -> ProcessTree.stop(pid, null, io.jenkins.plugins.selftest.engine.process.Signal.KILL, Duration.ZERO));
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void unknownKeyInTheSpecIsAUsageErrorWithItsLine() throws Exception {
        Path spec = tmp.resolve("bad.yaml");
        Files.writeString(spec, "services:\n  - name: a\n    command: x\n    restarts: 3\n");
        StringWriter err = new StringWriter();
        CommandLine cl = SelftestCommand.commandLine();
        cl.setErr(new PrintWriter(err));

        int code = cl.execute("supervise", spec.toString(), "--dir", tmp.resolve("ctl").toString());

        assertThat(code).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("services[0].restarts (line 4): unknown key");
    }

    @Test
    void specFileOverTheLimitIsAOneLineUsageErrorNamingFileAndLimit() throws Exception {
        Path spec = tmp.resolve("huge.yaml");
        Files.writeString(spec, "services:\n  - name: a\n    command: x\n" + ("# " + "x".repeat(1021) + "\n").repeat(20 * 1024));
        StringWriter err = new StringWriter();
        CommandLine cl = SelftestCommand.commandLine();
        cl.setErr(new PrintWriter(err));

        long start = System.nanoTime();
        int code = cl.execute("supervise", spec.toString(), "--dir", tmp.resolve("ctl").toString());

        assertThat(code).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused before it is read").isLessThan(Duration.ofSeconds(5));
        assertThat(err.toString().strip()).doesNotContain("\n").startsWith(spec + ": ").contains("(1 MiB)");
        assertThat(tmp.resolve("ctl")).doesNotExist();
    }

    @Test
    void statusOfADirectoryWithoutStateIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = SelftestCommand.commandLine();
        cl.setErr(new PrintWriter(err));

        assertThat(cl.execute("supervise", "--status", tmp.toString())).isEqualTo(SelftestCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("no supervisor state in");
    }
}
