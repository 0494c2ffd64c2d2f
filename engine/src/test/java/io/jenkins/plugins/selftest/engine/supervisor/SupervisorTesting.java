package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Helpers shared by the supervisor's real-process tests. */
final class SupervisorTesting {

    private SupervisorTesting() {
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static ServiceStatus status(Supervisor s, String name) {
        return s.state().service(name).orElseThrow();
    }

    static boolean inState(Supervisor s, String name, ServiceState state) {
        return s.state().service(name).map(x -> x.state() == state).orElse(false);
    }

    static List<SupervisorEvent> events(ControlDirectory dir) {
        try {
            List<SupervisorEvent> out = new ArrayList<>();
            Path f = dir.file(ControlDirectory.EVENTS);
            if (!Files.exists(f)) {
                return out;
            }
            for (String line : Files.readAllLines(f)) {
                if (!line.isBlank()) {
                    out.add(Json.read(line, SupervisorEvent.class));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<SupervisorEvent> events(Supervisor s, String service, SupervisorEvent.Type type) {
        s.flushEvents();
        return events(s.controlDirectory(), service, type);
    }

    static List<SupervisorEvent> events(ControlDirectory dir, String service, SupervisorEvent.Type type) {
        Predicate<SupervisorEvent> p = e -> e.type() == type && e.service().map(service::equals).orElse(false);
        return events(dir).stream().filter(p).toList();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A shell command that listens on {@code port} (after {@code delaySeconds}) until killed. */
    static String listener(int port, double delaySeconds) {
        return "sleep " + delaySeconds + "; exec perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => \"127.0.0.1\", LocalPort => "
                + port + ", Listen => 5, ReuseAddr => 1) or die \"listen: $!\"; while ($c = $s->accept) { print $c \"HTTP/1.0 200 OK\\r\\n\\r\\nok\"; close $c }'";
    }
}
