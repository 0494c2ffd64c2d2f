package io.jenkins.plugins.selftest.bench;

import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.supervisor.DaemonLauncher;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorEvent;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the supervisor daemon's JSON costs it, in the JVM it runs in ({@link DaemonLauncher#DEFAULT_JVM_FLAGS}: the
 * interpreter only): {@code java -jar bench.jar daemon-json} starts such a JVM on this jar, which times, after a
 * warm-up, the three pieces of JSON it writes on every start and restart, in microseconds each (median of
 * {@value #ROUNDS} rounds):
 * <ul>
 *   <li>{@code status_fragment_us}: one service's status as {@code state.json} holds it ({@link Json#fragment});</li>
 *   <li>{@code event_line_us}: one event's line of {@code events.jsonl} ({@link SupervisorEvent#jsonLine});</li>
 *   <li>{@code event_batch_get_bytes_us} and {@code event_batch_charset_encode_us}: the bytes of a batch of 100 event
 *       lines, as the event writer takes them ({@code String.getBytes}) and as it took them before
 *       ({@code Charset.encode}), both in this run.</li>
 * </ul>
 * Run with an older engine's classes ahead of this jar on the class path ({@code java <flags> -cp OLD:bench.jar
 * io.jenkins.plugins.selftest.bench.DaemonJsonBench once}) to time that engine's code the same way.
 */
public final class DaemonJsonBench {

    static final int ROUNDS = 5;
    static final int CALLS = 500;

    private DaemonJsonBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("once")) {
            System.out.println(Json.write(measure()));
            return;
        }
        DaemonLauncher daemon = DaemonLauncher.currentJvm();
        List<String> command = new ArrayList<>();
        command.add(daemon.java().toString());
        command.addAll(DaemonLauncher.DEFAULT_JVM_FLAGS);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, daemon.classpath().stream().map(Object::toString).toList()));
        command.add(DaemonJsonBench.class.getName());
        command.add("once");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the daemon's JVM failed: " + out);
        }
        System.out.println(out.replaceFirst("^\\{", "{\"bench\":\"daemon-json\",\"jvm_flags\":" + Json.write(DaemonLauncher.DEFAULT_JVM_FLAGS) + ","));
    }

    private static Map<String, Object> measure() {
        Instant t = Instant.parse("2026-12-03T22:41:13.777522426Z");
        ServiceStatus status = new ServiceStatus("svc42", ServiceState.READY, 3, Optional.of(123456L), Optional.of(987654L),
                Optional.of("sup-3f2a.svc42.3"), 2, List.of(t), 0, Optional.of(t), Optional.of(t.plusMillis(3)),
                Optional.empty(), Optional.empty(), 0, Optional.empty(), Map.of(), Optional.empty());
        SupervisorEvent event = new SupervisorEvent(1234, t, SupervisorEvent.Type.SPAWNED, Optional.of("svc42"), 3,
                Optional.of(123456L), Optional.empty(), Optional.empty(), "pid 123456");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            lines.append(event.jsonLine()).append('\n');
        }
        String batch = lines.toString();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status_fragment_us", median(() -> Json.fragment(status).toString().length()));
        out.put("event_line_us", median(() -> event.jsonLine().length()));
        out.put("event_batch_get_bytes_us", median(() -> ByteBuffer.wrap(batch.getBytes(StandardCharsets.UTF_8)).remaining(), 20));
        out.put("event_batch_charset_encode_us", median(() -> StandardCharsets.UTF_8.encode(batch).remaining(), 20));
        return out;
    }

    private static double median(java.util.function.IntSupplier work) {
        return median(work, CALLS);
    }

    /** The median over {@link #ROUNDS} rounds (after one of warm-up) of {@code calls} calls, in microseconds a call. */
    private static double median(java.util.function.IntSupplier work, int calls) {
        List<Double> rounds = new ArrayList<>();
        long sink = 0;
        for (int r = 0; r <= ROUNDS; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                sink += work.getAsInt();
            }
            if (r > 0) {
                rounds.add((System.nanoTime() - t0) / 1e3 / calls);
            }
        }
        if (sink == 0) {
            throw new IllegalStateException("nothing was written");
        }
        rounds.sort(null);
        return Math.round(rounds.get(ROUNDS / 2) * 10) / 10.0;
    }
}
