package io.jenkins.plugins.selftest.bench;

import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import io.jenkins.plugins.selftest.engine.supervisor.Backoff;
import io.jenkins.plugins.selftest.engine.supervisor.DaemonLauncher;
import io.jenkins.plugins.selftest.engine.supervisor.Readiness;
import io.jenkins.plugins.selftest.engine.supervisor.RestartPolicy;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorEvent;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bench.jar supervisor [--services N] [--rounds R] [--no-supervisord] [--daemon-flag F]...}: the
 * supervisor's figures against the floor (bare spawns) and against Debian's supervisord on the same workload, as one
 * JSON line. Each {@code --daemon-flag} is added after the daemon's default JVM flags (a later flag wins), to weigh a
 * flag in one command; the line names them in {@code daemon_extra_flags}.
 *
 * <p>Measurement, the same for both supervisors: every service is {@code service.sh}, which appends its start time
 * (bash's {@code $EPOCHREALTIME}, no extra process) to {@code starts/NAME}, blocks reading its own FIFO {@code
 * fifo.NAME}, and when the benchmark opens and closes that FIFO (all services' at the same moment for a burst, one
 * service's for a single crash) appends its exit time to {@code exits/NAME} and exits 1. A restart's latency is
 * the next start time minus the exit time, both taken by the service itself; supervisor internals are not trusted.
 */
final class SupervisorBench {

    private static final String SERVICE_SH = """
            #!/bin/bash
            t=${EPOCHREALTIME/./}; echo "${t}000" >> "$BENCH/starts/$NAME"
            [ "$MODE" = spawn ] && exit 0
            read x < "$BENCH/fifo.$NAME"
            t=${EPOCHREALTIME/./}; echo "${t}000" >> "$BENCH/exits/$NAME"
            exit 1
            """;

    /**
     * The service runs under bash so that it takes its time stamps with the builtin {@code $EPOCHREALTIME}: a
     * {@code date} process per stamp would add two forks to every measured restart, and under a burst of 100 those
     * forks, not the supervisor, would dominate the figure.
     */
    private static final String SHELL = "/bin/bash";

    /** The supervisor's spawner threads ({@code Spawner.THREADS}): the burst floor uses as many. */
    private static final int SPAWNERS = 4;

    /** Bare spawns of the sequential floor, one after the other. */
    private static final int SEQUENTIAL_SPAWNS = 200;

    /**
     * Single crashes measured, one service at a time with the others idle: as many as the sequential spawns of the
     * floor, so that both p99s are of the same rank (the third highest of 200); of 40, as until the ninth round of
     * #12, the p99 was the slowest of all.
     */
    private static final int SINGLE_CRASHES = SEQUENTIAL_SPAWNS;

    private final int services;
    private final int rounds;
    private final boolean supervisord;
    private final DaemonLauncher launcher;
    private final List<String> daemonFlags;
    private final Path work;
    private final Map<String, Object> out = new LinkedHashMap<>();

    private SupervisorBench(int services, int rounds, boolean supervisord, List<String> daemonFlags) throws IOException {
        this.services = services;
        this.rounds = rounds;
        this.supervisord = supervisord;
        DaemonLauncher current = DaemonLauncher.currentJvm();
        List<String> flags = new ArrayList<>(current.jvmFlags());
        flags.addAll(daemonFlags);
        this.launcher = current.withJvmFlags(flags);
        this.daemonFlags = List.copyOf(daemonFlags);
        this.work = Files.createTempDirectory("selftest-supervisor-bench");
    }

    static void main(List<String> args) throws Exception {
        int services = 100;
        int rounds = 5;
        boolean supervisord = true;
        List<String> daemonFlags = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--services" -> services = Integer.parseInt(args.get(++i));
                case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
                case "--no-supervisord" -> supervisord = false;
                case "--daemon-flag" -> daemonFlags.add(args.get(++i));
                default -> {
                    System.err.println("unknown option '" + args.get(i)
                            + "': use --services N, --rounds R, --no-supervisord, --daemon-flag F");
                    System.exit(2);
                }
            }
        }
        SupervisorBench b = new SupervisorBench(services, rounds, supervisord, daemonFlags);
        try {
            b.run();
        } finally {
            deleteRecursively(b.work);
        }
        System.out.println(Json.write(b.out));
    }

    private void run() throws Exception {
        out.put("bench", "supervisor");
        out.put("services", services);
        out.put("rounds", rounds);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        if (!daemonFlags.isEmpty()) {
            out.put("daemon_extra_flags", daemonFlags);
        }
        spawnFloor();
        ours();
        oursThreadsWithOneService();
        oursReady();
        // the targets as ratios within this run
        double burstP99 = (double) out.get("burst_spawn_p99_ms");
        out.put("restart_p99_vs_burst_floor", round2((double) out.get("restart_p99_ms") / burstP99));
        out.put("startup_vs_burst_floor", round2((double) out.get("startup_ms") / burstP99));
        out.put("single_restart_p99_limit_ms", round(2 * (double) out.get("spawn_p99_ms") + 2));
        if (supervisord && Files.isExecutable(Path.of("/usr/bin/supervisord"))) {
            supervisord();
            double ratioP50 = (double) out.get("supervisord_restart_p50_ms") / Math.max(0.001, (double) out.get("restart_p50_ms"));
            double ratioP99 = (double) out.get("supervisord_restart_p99_ms") / Math.max(0.001, (double) out.get("restart_p99_ms"));
            out.put("speedup_vs_supervisord_p50", round(ratioP50));
            out.put("speedup_vs_supervisord_p99", round(ratioP99));
            if (out.containsKey("supervisord_restart_spawn_p99_ms")) {
                out.put("spawn_speedup_vs_supervisord_p50", round((double) out.get("supervisord_restart_spawn_p50_ms")
                        / Math.max(0.001, (double) out.get("restart_spawn_p50_ms"))));
                out.put("spawn_speedup_vs_supervisord_p99", round((double) out.get("supervisord_restart_spawn_p99_ms")
                        / Math.max(0.001, (double) out.get("restart_spawn_p99_ms"))));
            }
        }
    }

    // ---- the floor ---------------------------------------------------------------------------------------------------

    private void spawnFloor() throws Exception {
        Path dir = prepare("floor");
        List<Double> lat = new ArrayList<>();
        for (int i = 0; i < SEQUENTIAL_SPAWNS; i++) {
            String name = "spawn" + i;
            ProcessBuilder pb = new ProcessBuilder(SHELL, dir.resolve("service.sh").toString());
            pb.environment().put("BENCH", dir.toString());
            pb.environment().put("NAME", name);
            pb.environment().put("MODE", "spawn");
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
            long t0 = epochNanos();
            Process p = pb.start();
            p.waitFor();
            lat.add((firstLine(dir.resolve("starts").resolve(name)) - t0) / 1e6);
        }
        out.put("spawn_p50_ms", percentile(lat, 50));
        out.put("spawn_p99_ms", percentile(lat, 99));
    }

    /**
     * The floor of a burst: {@code services} bare spawns issued at the same moment from as many threads as the
     * supervisor has spawners; latency is each child's start time minus that moment. On a small machine this, not
     * the sequential loop, bounds the restart latency of "all services crash at once". One such burst runs right
     * before each of our crash rounds (see {@link #ours}), so that the floor and our restarts see the same load even
     * on a shared machine; {@code burst_spawn_*} are over all of them.
     */
    private List<Double> burstFloor(Path dir, int round) throws Exception {
        List<Double> lat = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(SPAWNERS);
        List<Process> started = java.util.Collections.synchronizedList(new ArrayList<>());
        long t0 = epochNanos();
        List<java.util.concurrent.Future<?>> all = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            String name = "burst" + round + "." + i;
            all.add(pool.submit(() -> {
                ProcessBuilder pb = new ProcessBuilder(SHELL, dir.resolve("service.sh").toString());
                pb.environment().put("BENCH", dir.toString());
                pb.environment().put("NAME", name);
                pb.environment().put("MODE", "spawn");
                pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
                started.add(pb.start());
                return null;
            }));
        }
        for (var f : all) {
            f.get();
        }
        pool.shutdown();
        for (Process p : started) {
            p.waitFor();
        }
        for (int i = 0; i < services; i++) {
            lat.add((firstLine(dir.resolve("starts").resolve("burst" + round + "." + i)) - t0) / 1e6);
        }
        return lat;
    }

    // ---- our daemon: restarts, startup, RSS, leaks ---------------------------------------------------------------------

    private void ours() throws Exception {
        Path dir = prepare("ours");
        List<ServiceSpec> list = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            list.add(ServiceSpec.builder("svc" + i, List.of(SHELL, dir.resolve("service.sh").toString()))
                    .env("BENCH", dir.toString()).env("NAME", "svc" + i)
                    .restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).maxRestarts(-1).build());
        }
        long t0 = epochNanos();
        SupervisorClient client = SupervisorClient.launch(dir.resolve("ctl"), SupervisorSpec.of(list), launcher);
        try {
            awaitStarts(dir, 1, Duration.ofSeconds(60));
            long daemonPid = client.owner().orElseThrow().pid();
            long[] watched = {daemonPid, keeperOf(daemonPid)};
            out.put("keeper", watched[1] < 0 ? "none" : ProcessHandle.of(watched[1]).flatMap(h -> h.info().command())
                    .map(c -> c.contains("perl") ? "perl" : "compiled").orElse("gone"));
            // the CPU the daemon (its JVM's own start included) and its keeper used until the benchmark saw every
            // service started (it looks every 20 ms)
            CpuMark started = CpuMark.now(watched);
            putCpu("startup", started.ticks(), started.threads(), 1);
            long lastStart = lastOfLine(dir, 0);
            long supervisorStarted = eventTime(client, SupervisorEvent.Type.SUPERVISOR_STARTED, null);
            out.put("startup_ms", round((lastStart - supervisorStarted) / 1e6));
            out.put("startup_cold_ms", round((lastStart - t0) / 1e6));
            Path floor = work.resolve("floor");
            List<Double> bursts = new ArrayList<>();
            long[] ticks = new long[watched.length];
            Map<String, Long> threadTicks = new TreeMap<>();
            List<Double> lat = crashRounds(dir, r -> bursts.addAll(burstFloor(floor, r)), watched, ticks, threadTicks);
            // where the CPU goes in the bursts: ms of CPU per restart, the daemon's JVM (and by thread) and its keeper
            putCpu("restart", ticks, threadTicks, lat.size());
            out.put("burst_spawn_p50_ms", percentile(bursts, 50));
            out.put("burst_spawn_p99_ms", percentile(bursts, 99));
            out.put("restart_p50_ms", percentile(lat, 50));
            out.put("restart_p99_ms", percentile(lat, 99));
            out.put("restart_max_ms", percentile(lat, 100));
            out.put("restarts_measured", lat.size());
            List<Double> spawn = spawnLatencies(dir, eventTimes(client, SupervisorEvent.Type.SPAWNED));
            out.put("restart_spawn_p50_ms", percentile(spawn, 50));
            out.put("restart_spawn_p99_ms", percentile(spawn, 99));
            // where the time goes: exit to the supervisor's EXITED event (detection and its scheduler thread)
            List<Double> detect = spawnLatencies(dir, eventTimes(client, SupervisorEvent.Type.EXITED));
            out.put("restart_detect_p50_ms", percentile(detect, 50));
            out.put("restart_detect_p99_ms", percentile(detect, 99));
            long[] singleTicks = new long[watched.length];
            Map<String, Long> singleThreadTicks = new TreeMap<>();
            List<Double> single = singleCrashes(dir, watched, singleTicks, singleThreadTicks);
            out.put("single_restart_p50_ms", percentile(single, 50));
            out.put("single_restart_p99_ms", percentile(single, 99));
            out.put("single_restart_max_ms", percentile(single, 100));
            out.put("single_restarts_measured", single.size());
            // the same of the single crashes, per crash: the 200 ms of idle supervising before each one included
            putCpu("single_restart", singleTicks, singleThreadTicks, single.size());
            long daemon = client.owner().orElseThrow().pid();
            out.put("daemon_rss_mib", round(status(daemon, "VmRSS") / 1024.0));
            out.put("daemon_rss_peak_mib", round(status(daemon, "VmHWM") / 1024.0));
            out.put("daemon_threads", (int) status(daemon, "Threads"));
            String prefix = client.state().orElseThrow().supervisorId() + ".";
            long stopStart = System.nanoTime();
            client.requestStop();
            client.awaitStopped(Duration.ofSeconds(120));
            out.put("stop_ms", round((System.nanoTime() - stopStart) / 1e6));
            waitGone(daemon);
            out.put("leaked_processes", ProcessTree.cookieHolders(c -> c.startsWith(prefix)).size());
        } finally {
            client.requestStop();
            client.awaitStopped(Duration.ofSeconds(30));
        }
    }

    /**
     * The daemon's threads with one service, to set against {@code daemon_threads} with {@code services}: the same
     * count means threads do not grow with the number of services.
     */
    private void oursThreadsWithOneService() throws Exception {
        Path dir = prepare("one");
        ServiceSpec one = ServiceSpec.builder("svc0", List.of(SHELL, dir.resolve("service.sh").toString()))
                .env("BENCH", dir.toString()).env("NAME", "svc0").restart(RestartPolicy.ALWAYS).backoff(Backoff.NONE).build();
        SupervisorClient client = SupervisorClient.launch(dir.resolve("ctl"), SupervisorSpec.of(List.of(one)), launcher);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines(dir.resolve("starts").resolve("svc0")).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // the same settling as after the crash rounds: probes and housekeeping have run
            long daemon = client.owner().orElseThrow().pid();
            out.put("daemon_threads_1_service", (int) status(daemon, "Threads"));
            out.put("daemon_rss_1_service_mib", round(status(daemon, "VmRSS") / 1024.0));
        } finally {
            client.requestStop();
            client.awaitStopped(Duration.ofSeconds(60));
        }
    }

    private void oursReady() throws Exception {
        Path dir = prepare("ready");
        List<ServiceSpec> list = new ArrayList<>();
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (int i = 0; i < services; i++) {
            int port = freePort();
            while (!ports.add(port)) {
                port = freePort(); // the kernel may hand a just-closed port out again: every service needs its own
            }
            String listen = "exec perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => \"127.0.0.1\", LocalPort => "
                    + port + ", Listen => 5, ReuseAddr => 1) or die \"listen: $!\"; while ($c = $s->accept) { close $c }'";
            list.add(ServiceSpec.shell("web" + i, listen)
                    .ready(Readiness.port(port).withInterval(Duration.ofMillis(50)).withTimeout(Duration.ofSeconds(60))).build());
        }
        long t0 = epochNanos();
        SupervisorClient client = SupervisorClient.launch(dir.resolve("ctl"), SupervisorSpec.of(list), launcher);
        try {
            SupervisorClient.ReadyResult r = client.awaitReady(Duration.ofSeconds(120));
            if (!r.ready()) {
                throw new IllegalStateException("readiness benchmark: " + r.reason());
            }
            long started = eventTime(client, SupervisorEvent.Type.SUPERVISOR_STARTED, null);
            long lastReady = 0;
            for (SupervisorEvent e : client.events(0).events()) {
                if (e.type() == SupervisorEvent.Type.READY) {
                    lastReady = Math.max(lastReady, nanos(e.time()));
                }
            }
            out.put("ready_ms", round((lastReady - started) / 1e6));
            out.put("ready_cold_ms", round((lastReady - t0) / 1e6));
        } finally {
            client.requestStop();
            client.awaitStopped(Duration.ofSeconds(60));
        }
    }

    // ---- supervisord on the same workload ---------------------------------------------------------------------------

    private void supervisord() throws Exception {
        Path dir = prepare("supervisord");
        StringBuilder conf = new StringBuilder("""
                [unix_http_server]
                file=%1$s/supervisor.sock
                [supervisord]
                nodaemon=true
                logfile=%1$s/supervisord.log
                pidfile=%1$s/supervisord.pid
                childlogdir=%1$s
                loglevel=info
                [rpcinterface:supervisor]
                supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
                [supervisorctl]
                serverurl=unix://%1$s/supervisor.sock
                """.formatted(dir));
        for (int i = 0; i < services; i++) {
            conf.append("""
                    [program:svc%2$d]
                    command=/bin/bash %1$s/service.sh
                    environment=BENCH="%1$s",NAME="svc%2$d"
                    autorestart=true
                    startsecs=0
                    startretries=100000
                    stopwaitsecs=5
                    stdout_logfile=%1$s/svc%2$d.log
                    redirect_stderr=true
                    """.formatted(dir, i));
        }
        Files.writeString(dir.resolve("supervisord.conf"), conf);
        long t0 = epochNanos();
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.argv("/usr/bin/supervisord", "-n", "-c",
                dir.resolve("supervisord.conf").toString()).output(LaunchSpec.Output.toFile(dir.resolve("supervisord.out"))).build());
        try {
            awaitStarts(dir, 1, Duration.ofSeconds(120));
            out.put("supervisord_startup_ms", round((lastOfLine(dir, 0) - t0) / 1e6));
            List<Double> lat = crashRounds(dir, r -> { }, new long[0], new long[0], new TreeMap<>());
            out.put("supervisord_restart_p50_ms", percentile(lat, 50));
            out.put("supervisord_restart_p99_ms", percentile(lat, 99));
            out.put("supervisord_restart_max_ms", percentile(lat, 100));
            List<Double> spawn = spawnLatencies(dir, supervisordSpawnTimes(dir.resolve("supervisord.log")));
            out.put("supervisord_restart_spawn_p50_ms", percentile(spawn, 50));
            out.put("supervisord_restart_spawn_p99_ms", percentile(spawn, 99));
            out.put("supervisord_rss_mib", round(status(p.pid(), "VmRSS") / 1024.0));
        } finally {
            // supervisord stops its programs on TERM; whatever it leaves behind goes with its tree
            ProcessTree.send(p.pid(), Signal.TERM);
            p.process().waitFor(30, TimeUnit.SECONDS);
            p.stop(Signal.KILL, Duration.ZERO);
        }
    }

    // ---- shared workload ----------------------------------------------------------------------------------------------

    private Path prepare(String name) throws Exception {
        Path dir = work.resolve(name);
        Files.createDirectories(dir.resolve("starts"));
        Files.createDirectories(dir.resolve("exits"));
        Files.writeString(dir.resolve("service.sh"), SERVICE_SH);
        List<String> mkfifo = new ArrayList<>(List.of("mkfifo"));
        for (int i = 0; i < services; i++) {
            mkfifo.add(dir.resolve("fifo.svc" + i).toString());
        }
        if (new ProcessBuilder(mkfifo).start().waitFor() != 0) {
            throw new IllegalStateException("mkfifo failed in " + dir);
        }
        return dir;
    }

    /** Something run before each crash round, given the round's number. */
    @FunctionalInterface
    private interface BeforeRound {
        void run(int round) throws Exception;
    }

    /**
     * Crashes all services at once {@code rounds} times, each round after {@code before}; returns exit-to-restart
     * latencies in ms, and adds to {@code ticks} the CPU time each of {@code watched} spent in the rounds (from the
     * crash to the last restart).
     */
    private List<Double> crashRounds(Path dir, BeforeRound before, long[] watched, long[] ticks,
                                     Map<String, Long> threadTicks) throws Exception {
        List<Double> lat = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            before.run(r);
            Thread.sleep(500); // every service is blocked on its FIFO again
            CpuMark mark = CpuMark.now(watched);
            trigger(dir, services);
            awaitStarts(dir, r + 2, Duration.ofSeconds(120));
            // what the supervisor does after the last restart (records, events, arming the next restarts) is part of
            // the round's CPU, and must be over before the next round's floor burst, which it would slow
            awaitIdle(watched);
            mark.addSince(ticks, threadTicks);
            for (int i = 0; i < services; i++) {
                List<Long> starts = lines(dir.resolve("starts").resolve("svc" + i));
                List<Long> exits = lines(dir.resolve("exits").resolve("svc" + i));
                if (exits.size() > r && starts.size() > r + 1) {
                    lat.add((starts.get(r + 1) - exits.get(r)) / 1e6);
                }
            }
        }
        return lat;
    }

    /**
     * {@code <figure>_daemon_cpu_ms}, {@code <figure>_keeper_cpu_ms} and {@code <figure>_daemon_cpu_by_thread_ms}: the
     * CPU ticks of the daemon and its keeper, and the daemon's by thread, in ms per one of {@code count} restarts.
     */
    private void putCpu(String figure, long[] ticks, Map<String, Long> threadTicks, int count) {
        double per = 1000.0 / ProcessTree.CLOCK_TICKS_PER_SECOND / Math.max(1, count);
        out.put(figure + "_daemon_cpu_ms", round(ticks[0] * per));
        out.put(figure + "_keeper_cpu_ms", round(ticks[1] * per));
        Map<String, Double> byThread = new TreeMap<>();
        threadTicks.forEach((thread, t) -> byThread.put(thread, Math.round(t * per * 100) / 100.0));
        out.put(figure + "_daemon_cpu_by_thread_ms", byThread);
    }

    /** The CPU ticks of some processes, and of the first one's threads by name, at one moment. */
    private record CpuMark(long[] pids, long[] ticks, Map<String, Long> threads) {
        static CpuMark now(long[] pids) {
            return new CpuMark(pids, cpu(pids), pids.length == 0 ? Map.of() : ProcessTree.threadCpuTicks(pids[0]));
        }

        /** Adds to {@code into} what each process has used since this moment, to {@code threadsInto} by thread. */
        void addSince(long[] into, Map<String, Long> threadsInto) {
            long[] after = cpu(pids);
            for (int i = 0; i < pids.length; i++) {
                into[i] += after[i] - ticks[i];
            }
            if (pids.length > 0) {
                ProcessTree.threadCpuTicks(pids[0]).forEach((thread, t) -> {
                    long d = t - threads.getOrDefault(thread, 0L);
                    if (d > 0) {
                        threadsInto.merge(thread, d, Long::sum);
                    }
                });
            }
        }
    }

    /**
     * Crashes one service at a time ({@value #SINGLE_CRASHES} times, the others idle, 200 ms apart); returns
     * exit-to-restart latencies in ms, and adds to {@code ticks} the CPU time each of {@code watched} spent over them
     * (the idle time between the crashes included), to {@code threadTicks} the first one's by thread.
     */
    private List<Double> singleCrashes(Path dir, long[] watched, long[] ticks, Map<String, Long> threadTicks)
            throws Exception {
        CpuMark mark = CpuMark.now(watched);
        List<Double> lat = new ArrayList<>();
        for (int k = 0; k < SINGLE_CRASHES; k++) {
            String name = "svc" + (k % services);
            Path starts = dir.resolve("starts").resolve(name);
            int before = lines(starts).size();
            Thread.sleep(200);
            trigger(dir.resolve("fifo." + name));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines(starts).size() <= before) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " was not restarted after a single crash in " + dir);
                }
                Thread.sleep(5);
            }
            List<Long> exits = lines(dir.resolve("exits").resolve(name));
            lat.add((lines(starts).get(before) - exits.get(exits.size() - 1)) / 1e6);
        }
        mark.addSince(ticks, threadTicks);
        return lat;
    }

    /** Opens the FIFOs of services 0 to {@code count - 1} for writing, then closes them all: they read EOF and exit. */
    private static void trigger(Path dir, int count) throws Exception {
        Path[] fifos = new Path[count];
        for (int i = 0; i < count; i++) {
            fifos[i] = dir.resolve("fifo.svc" + i);
        }
        trigger(fifos);
    }

    /**
     * Opens every FIFO for writing (each open returns once its service is blocked reading it), then closes them
     * all in one loop, so that the services wake as close to the same moment as possible.
     */
    private static void trigger(Path... fifos) throws Exception {
        Thread t = new Thread(() -> {
            List<OutputStream> open = new ArrayList<>();
            try {
                for (Path f : fifos) {
                    open.add(new FileOutputStream(f.toFile()));
                }
                for (OutputStream o : open) {
                    o.close();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        t.join(10_000);
        if (t.isAlive()) {
            throw new IllegalStateException("not every service reads its FIFO of " + List.of(fifos));
        }
    }

    private void awaitStarts(Path dir, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int ok = 0;
            for (int i = 0; i < services; i++) {
                if (lines(dir.resolve("starts").resolve("svc" + i)).size() >= count) {
                    ok++;
                }
            }
            if (ok == services) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(ok + " of " + services + " services started " + count + " time(s) in " + dir);
            }
            Thread.sleep(20);
        }
    }

    private long lastOfLine(Path dir, int index) throws IOException {
        long max = 0;
        for (int i = 0; i < services; i++) {
            max = Math.max(max, lines(dir.resolve("starts").resolve("svc" + i)).get(index));
        }
        return max;
    }

    private static long eventTime(SupervisorClient client, SupervisorEvent.Type type, String service) throws Exception {
        for (int i = 0; i < 100; i++) {
            for (SupervisorEvent e : client.events(0).events()) {
                if (e.type() == type && (service == null || e.service().map(service::equals).orElse(false))) {
                    return nanos(e.time());
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no " + type + " event");
    }

    /**
     * The supervisor's own latency: from a service's exit (its own time stamp, taken just before it exits) to the
     * moment the supervisor recorded the replacement as spawned (our SPAWNED event; supervisord's "spawned:" log line,
     * which it writes right after fork). Unlike {@code restart_*}, this leaves out the replacement's own start (exec of
     * bash, reading its script), which under a burst of 100 on 2 cores is most of the end-to-end figure.
     */
    private List<Double> spawnLatencies(Path dir, Map<String, List<Long>> spawns) throws IOException {
        List<Double> lat = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            List<Long> times = new ArrayList<>(spawns.getOrDefault("svc" + i, List.of()));
            java.util.Collections.sort(times);
            for (long exit : lines(dir.resolve("exits").resolve("svc" + i))) {
                times.stream().filter(t -> t >= exit).findFirst().ifPresent(t -> lat.add((t - exit) / 1e6));
            }
        }
        return lat;
    }

    private static Map<String, List<Long>> eventTimes(SupervisorClient client, SupervisorEvent.Type type) throws IOException {
        Map<String, List<Long>> out = new java.util.HashMap<>();
        long offset = 0;
        while (true) {
            SupervisorClient.Events ev = client.events(offset);
            for (SupervisorEvent e : ev.events()) {
                if (e.type() == type && e.service().isPresent()) {
                    out.computeIfAbsent(e.service().get(), k -> new ArrayList<>())
                            .add(e.time().getEpochSecond() * 1_000_000_000L + e.time().getNano());
                }
            }
            if (ev.nextOffset() == offset) {
                return out;
            }
            offset = ev.nextOffset();
        }
    }

    /** {@code 2026-11-21 09:48:07,123 INFO spawned: 'svc12' with pid 345} lines, local time, millisecond precision. */
    private static Map<String, List<Long>> supervisordSpawnTimes(Path log) throws IOException {
        Map<String, List<Long>> out = new java.util.HashMap<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d),(\\d{3}) INFO spawned: '([^']+)'");
        for (String l : Files.readAllLines(log)) {
            java.util.regex.Matcher m = line.matcher(l);
            if (m.find()) {
                java.time.Instant at = java.time.LocalDateTime.parse(m.group(1).replace(' ', 'T'))
                        .atZone(java.time.ZoneId.systemDefault()).toInstant().plusMillis(Integer.parseInt(m.group(2)));
                out.computeIfAbsent(m.group(3), k -> new ArrayList<>())
                        .add(at.getEpochSecond() * 1_000_000_000L + at.getNano());
            }
        }
        return out;
    }

    private static List<Long> lines(Path f) throws IOException {
        if (!Files.exists(f)) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            if (!l.isBlank()) {
                out.add(Long.parseLong(l.trim()));
            }
        }
        return out;
    }

    private static long firstLine(Path f) throws IOException {
        return lines(f).get(0);
    }

    /** The daemon's keeper (its child running perl or the compiled keeper), or -1. */
    private static long keeperOf(long daemon) {
        return ProcessHandle.of(daemon).stream().flatMap(ProcessHandle::children)
                .filter(h -> h.info().command().map(c -> c.contains("perl") || c.contains("selftest-keeper")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    /** Until {@code pids} have used no CPU for 300 ms (three polls 100 ms apart), at most 10 s. */
    private static void awaitIdle(long[] pids) throws InterruptedException {
        long[] last = cpu(pids);
        int quiet = 0;
        for (int i = 0; i < 100 && quiet < 3 && pids.length > 0; i++) {
            Thread.sleep(100);
            long[] now = cpu(pids);
            quiet = java.util.Arrays.equals(now, last) ? quiet + 1 : 0;
            last = now;
        }
    }

    /** CPU time of each process so far, in clock ticks (0 for one that is gone). */
    private static long[] cpu(long[] pids) {
        return java.util.Arrays.stream(pids).map(pid -> ProcessTree.cpuTicks(pid).orElse(0L)).toArray();
    }

    private static long status(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static void waitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 200 && ProcessTree.isRunning(pid); i++) {
            Thread.sleep(50);
        }
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return nanos(now);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return round(sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))));
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }

}
