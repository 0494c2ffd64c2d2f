package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The readiness probes of one run of a service, tried one attempt at a time (Testcontainers' {@code WaitStrategy}
 * shape: small checks with {@code Duration} timeouts, composed by "all of"). A probe that passed is not tried again.
 *
 * <p>Not thread-safe: the supervisor runs the attempts of one check one after the other.
 */
final class ReadinessCheck {

    enum Result { PASSED, PENDING, TIMED_OUT }

    record Outcome(Result result, String detail) {
    }

    /** One probe kind: {@code null} when it passed, else why not. */
    private interface Probe {
        String tryOnce(Duration timeout);

        String describe();
    }

    private final Readiness readiness;
    private final Instant deadline;
    private final List<Probe> pending = new ArrayList<>();
    private final List<String> passed = new ArrayList<>();
    private String lastFailure = "not tried yet";

    ReadinessCheck(Readiness readiness, ServiceSpec service, Path logFile, long logOffset, Path controlDir, Instant startedAt) {
        this(readiness, service, logFile, logOffset, controlDir, startedAt, Optional.empty());
    }

    /** With {@code container}, the container service's {@code exec} and {@code healthcheck} probes run on its engine. */
    ReadinessCheck(Readiness readiness, ServiceSpec service, Path logFile, long logOffset, Path controlDir, Instant startedAt,
                   Optional<ContainerLaunch> container) {
        this.readiness = readiness;
        this.deadline = startedAt.plus(readiness.timeout());
        readiness.port().ifPresent(p -> pending.add(new Tcp(readiness.host().orElse("localhost"), p)));
        readiness.http().ifPresent(u -> pending.add(new Http(u)));
        readiness.log().ifPresent(r -> pending.add(new LogLine(Pattern.compile(r), logFile, logOffset)));
        readiness.command().ifPresent(c -> pending.add(new Command(c, service, controlDir)));
        container.ifPresent(launch -> {
            readiness.exec().ifPresent(c -> pending.add(new Command(launch.execArgv(c), service, controlDir, "exec " + String.join(" ", c))));
            if (readiness.healthcheck()) {
                pending.add(new Command(launch.healthArgv(), service, controlDir, "healthcheck of " + launch.name()));
            }
        });
    }

    Duration interval() {
        return readiness.interval();
    }

    Outcome attempt() {
        Duration attemptTimeout = readiness.interval().compareTo(Duration.ofSeconds(1)) > 0 ? readiness.interval() : Duration.ofSeconds(1);
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.compareTo(attemptTimeout) < 0) {
            attemptTimeout = left.isNegative() || left.isZero() ? Duration.ofMillis(50) : left;
        }
        for (var it = pending.iterator(); it.hasNext(); ) {
            Probe p = it.next();
            String failure = p.tryOnce(attemptTimeout);
            if (failure == null) {
                passed.add(p.describe());
                it.remove();
            } else {
                lastFailure = p.describe() + ": " + failure;
            }
        }
        if (pending.isEmpty()) {
            return new Outcome(Result.PASSED, String.join(" + ", passed));
        }
        if (!Instant.now().isBefore(deadline)) {
            return new Outcome(Result.TIMED_OUT, "no success within " + Durations.format(readiness.timeout())
                    + ", last try: " + lastFailure + ": check the service's log, or raise ready.timeout");
        }
        return new Outcome(Result.PENDING, lastFailure);
    }

    private record Tcp(String host, int port) implements Probe {
        @Override
        public String tryOnce(Duration timeout) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
                return null;
            } catch (IOException e) {
                return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        }

        @Override
        public String describe() {
            return "port " + host + ":" + port;
        }
    }

    private record Http(String url) implements Probe {
        @Override
        public String tryOnce(Duration timeout) {
            HttpURLConnection c = null;
            try {
                c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setInstanceFollowRedirects(false);
                c.setConnectTimeout((int) Math.max(1, timeout.toMillis()));
                c.setReadTimeout((int) Math.max(1, timeout.toMillis()));
                int code = c.getResponseCode();
                return code >= 200 && code < 400 ? null : "HTTP " + code;
            } catch (IOException | IllegalArgumentException e) {
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            } finally {
                if (c != null) {
                    c.disconnect();
                }
            }
        }

        @Override
        public String describe() {
            return "http " + url;
        }
    }

    /** Scans the log from the run's start offset; keeps its place (and a partial last line) between attempts. */
    private static final class LogLine implements Probe {
        private final Pattern pattern;
        private final Path file;
        private long offset;
        private String partial = "";

        LogLine(Pattern pattern, Path file, long offset) {
            this.pattern = pattern;
            this.file = file;
            this.offset = offset;
        }

        @Override
        public String tryOnce(Duration timeout) {
            try {
                for (int chunks = 0; chunks < 64; chunks++) {
                    ControlDirectory.Chunk c = ControlDirectory.readBytes(file, offset, 256 * 1024);
                    if (c.restarted()) {
                        partial = "";
                    }
                    offset = c.nextOffset();
                    if (c.bytes().length == 0) {
                        break;
                    }
                    String text = partial + c.text();
                    int start = 0;
                    for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
                        if (pattern.matcher(text.substring(start, nl)).find()) {
                            return null;
                        }
                        start = nl + 1;
                    }
                    partial = text.substring(start);
                    if (partial.length() > 64 * 1024) {
                        partial = partial.substring(partial.length() - 64 * 1024);
                    }
                }
                return partial.isEmpty() || !pattern.matcher(partial).find()
                        ? "no line matches /" + pattern + "/ yet" : null;
            } catch (IOException e) {
                return "cannot read " + file + ": " + e.getMessage();
            }
        }

        @Override
        public String describe() {
            return "log /" + pattern + "/";
        }
    }

    private record Command(List<String> argv, ServiceSpec service, Path controlDir, String description) implements Probe {
        Command(List<String> argv, ServiceSpec service, Path controlDir) {
            this(argv, service, controlDir, "command " + String.join(" ", argv));
        }

        @Override
        public String tryOnce(Duration timeout) {
            LaunchSpec.Builder b = LaunchSpec.argv(argv).env(service.env()).output(LaunchSpec.Output.discard())
                    .env("SELFTEST_SERVICE", service.name()).env("SELFTEST_CONTROL_DIR", controlDir.toString());
            service.workingDir().ifPresent(w -> b.workingDir(Path.of(w)));
            LaunchedProcess p;
            try {
                p = ProcessLauncher.start(b.build());
            } catch (IOException e) {
                return e.getMessage();
            }
            try {
                if (!p.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.stop(Signal.KILL, Duration.ZERO);
                    return "did not finish within " + Durations.format(timeout);
                }
                int code = p.process().exitValue();
                return code == 0 ? null : "exit " + code;
            } catch (InterruptedException e) {
                p.stop(Signal.KILL, Duration.ZERO);
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        @Override
        public String describe() {
            return description;
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
