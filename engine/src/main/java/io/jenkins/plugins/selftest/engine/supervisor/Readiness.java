package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * When a started service counts as ready: every probe that is set must pass (they compose by "all of"). Each probe is
 * tried every {@code interval}, each try bounded by {@code interval} (at least 1 s); when they have not all passed
 * {@code timeout} after the start, readiness fails and the service is stopped and marked failed.
 *
 * @param port     TCP port that must accept a connection on {@code host}; {@link ServiceSpec#AUTO_PORT}
 *                 ({@code port: 'auto'}) is the service's own (first) allocated port, on the host it is reached at
 * @param host     host for {@code port}; default {@code localhost}
 * @param http     URL whose GET must answer 2xx or 3xx; a path ({@code /health}) goes to the service's own port
 *                 ({@code http://HOST:PORT/health})
 * @param log      regular expression that a line of the service's log must match (searched from the start of the run)
 * @param command  argv that must exit 0 (run in the service's directory and environment); a shell string is
 *                 {@code [/bin/sh, -c, string]}
 * @param exec     a container service's check run inside it ({@code runtime exec NAME ...}): must exit 0; a shell
 *                 string is {@code [/bin/sh, -c, string]}
 * @param healthcheck a container service's image {@code HEALTHCHECK} must report healthy
 * @param interval pause between tries; default 250 ms
 * @param timeout  overall limit from the start of the run; default 60 s
 */
public record Readiness(Optional<Integer> port, Optional<String> host, Optional<String> http, Optional<String> log,
                        Optional<List<String>> command, Optional<List<String>> exec, boolean healthcheck,
                        Duration interval, Duration timeout) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public Readiness {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(log, "log");
        command = Objects.requireNonNull(command, "command").map(List::copyOf);
        exec = exec == null ? Optional.empty() : exec.map(List::copyOf);
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    public static Readiness port(int port) {
        return new Readiness(Optional.of(port), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), false, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }

    public static Readiness http(String url) {
        return new Readiness(Optional.empty(), Optional.empty(), Optional.of(url), Optional.empty(), Optional.empty(),
                Optional.empty(), false, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }

    public static Readiness log(String regex) {
        return new Readiness(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(regex), Optional.empty(),
                Optional.empty(), false, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }

    public static Readiness command(List<String> argv) {
        return new Readiness(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(argv),
                Optional.empty(), false, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }

    /** The service's own (first) allocated port accepts a connection ({@code port: 'auto'}). */
    public static Readiness ownPort() {
        return port(ServiceSpec.AUTO_PORT);
    }

    /** A container service's command run inside it exits 0. */
    public static Readiness exec(List<String> argv) {
        return new Readiness(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(argv), false, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }

    /** A container service's image {@code HEALTHCHECK} reports healthy. */
    public static Readiness healthy() {
        return new Readiness(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), true, DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }

    /** Both this and {@code other}'s probes; this one's interval and the longer timeout. */
    public Readiness and(Readiness other) {
        return new Readiness(port.or(other::port), host.or(other::host), http.or(other::http), log.or(other::log),
                command.or(other::command), exec.or(other::exec), healthcheck || other.healthcheck, interval,
                timeout.compareTo(other.timeout) >= 0 ? timeout : other.timeout);
    }

    public Readiness withInterval(Duration value) {
        return new Readiness(port, host, http, log, command, exec, healthcheck, value, timeout);
    }

    public Readiness withTimeout(Duration value) {
        return new Readiness(port, host, http, log, command, exec, healthcheck, interval, value);
    }

    /** Problems with this readiness, each naming the field under {@code path}. */
    List<String> problems(String path) {
        List<String> problems = new ArrayList<>();
        if (port.isEmpty() && http.isEmpty() && log.isEmpty() && command.isEmpty() && exec.isEmpty() && !healthcheck) {
            problems.add(path + ": no probe given: set at least one of port, http, log, command, exec, healthcheck");
        }
        port.filter(p -> p != ServiceSpec.AUTO_PORT && (p < 1 || p > 65_535))
                .ifPresent(p -> problems.add(path + ".port: " + p + " is not a TCP port: use 'auto' or 1 to 65535"));
        http.filter(u -> !u.startsWith("http://") && !u.startsWith("https://") && !u.startsWith("/"))
                .ifPresent(u -> problems.add(path + ".http: '" + u + "' is not an http:// or https:// URL, nor a path"
                        + " (/health) on the service's own port"));
        exec.filter(c -> c.isEmpty() || c.get(0).isBlank())
                .ifPresent(c -> problems.add(path + ".exec: must not be empty"));
        log.ifPresent(r -> {
            try {
                Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                problems.add(path + ".log: '" + r + "' is not a regular expression: " + e.getDescription());
            }
        });
        command.filter(c -> c.isEmpty() || c.get(0).isBlank())
                .ifPresent(c -> problems.add(path + ".command: must not be empty"));
        if (interval.isZero() || interval.isNegative()) {
            problems.add(path + ".interval: must be more than 0, e.g. 250ms");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            problems.add(path + ".timeout: must be more than 0, e.g. 60s");
        }
        return problems;
    }

    /** A short description for messages: {@code port 5432 + http http://...}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        port.ifPresent(p -> parts.add(p == ServiceSpec.AUTO_PORT ? "own port" : "port " + host.orElse("localhost") + ":" + p));
        http.ifPresent(u -> parts.add("http " + u));
        log.ifPresent(r -> parts.add("log /" + r + "/"));
        command.ifPresent(c -> parts.add("command " + String.join(" ", c)));
        exec.ifPresent(c -> parts.add("exec " + String.join(" ", c)));
        if (healthcheck) {
            parts.add("healthcheck");
        }
        return String.join(" + ", parts);
    }
}
