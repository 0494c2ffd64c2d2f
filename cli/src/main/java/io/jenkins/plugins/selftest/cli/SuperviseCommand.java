package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.ShellWords;
import io.jenkins.plugins.selftest.engine.report.LogText;
import io.jenkins.plugins.selftest.engine.supervisor.Durations;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceEndpoints;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SpecException;
import io.jenkins.plugins.selftest.engine.supervisor.SpecParser;
import io.jenkins.plugins.selftest.engine.supervisor.Supervisor;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorClient;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorEvent;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code selftest supervise services.yaml}: runs the services in the foreground (like {@code supervisord -n}),
 * printing every state change; Ctrl-C (SIGINT) or SIGTERM stops every process tree and exits 0.
 * {@code selftest supervise --status DIR} prints the services of a running (or finished) supervisor.
 */
@Command(name = "supervise", mixinStandardHelpOptions = true,
        description = {"Run helper services in the foreground, restarting them by policy; Ctrl-C stops them all.",
            "With --status DIR: print the services of a running supervisor as a table."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly (Ctrl-C, SIGTERM or a stop request), or status printed",
            "2:bad spec file, bad usage, a supervisor already runs on the directory, or the services cannot be set up"
                + " (no free port, a container engine that refuses the block's network or volumes)"})
final class SuperviseCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC",
            description = "Service spec, YAML or JSON (see docs/supervised-service.md).")
    Path specFile;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Control directory (state.json, events.jsonl, logs/). Default: .selftest/supervise/<spec name>.")
    Path dir;

    @Option(names = "--status", paramLabel = "DIR", description = "Print the services of the supervisor on DIR and exit.")
    Path statusDir;

    @Option(names = "--quiet", description = "Print only problems, not every event.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (statusDir != null) {
            return status(statusDir, out, err);
        }
        if (specFile == null) {
            err.println("supervise: give a spec file (services.yaml) or --status DIR");
            return SelftestCommand.EXIT_USAGE;
        }
        if (!Files.isRegularFile(specFile)) {
            err.println("supervise: spec file " + specFile + " does not exist");
            return SelftestCommand.EXIT_USAGE;
        }
        SupervisorSpec services;
        try {
            services = SpecParser.parse(specFile);
        } catch (SpecException e) {
            err.println(e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
        return runForeground(services, out, err);
    }

    private int runForeground(SupervisorSpec services, PrintWriter out, PrintWriter err) throws Exception {
        String base = specFile.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        ControlDirectory control = new ControlDirectory(dir != null ? dir : Path.of(".selftest", "supervise", base)).create();
        Optional<AutoCloseable> lock = control.tryLock();
        if (lock.isEmpty()) {
            err.println("supervise: a supervisor already runs on " + control + ": stop it (selftest supervise --status "
                    + control + " shows it) or use --dir");
            return SelftestCommand.EXIT_USAGE;
        }
        control.startFresh(services);
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Supervisor.Options options = Supervisor.Options.fresh(id);
        if (!quiet) {
            options = options.withListener(e -> {
                out.println(format(e));
                out.flush();
            });
        }
        if (!quiet) {
            out.println("supervising " + services.services().size() + " service(s) from " + specFile + "; state in "
                    + control + "; Ctrl-C stops them all");
            out.flush();
        }
        Supervisor supervisor;
        try {
            supervisor = Supervisor.start(control, services, options);
        } catch (SpecException | IOException e) {
            lock.get().close();
            List<String> problems = e instanceof SpecException se ? se.problems() : List.of(String.valueOf(e.getMessage()));
            problems.forEach(p -> err.println("supervise: cannot start the services of " + specFile + ": " + LogText.line(p)));
            return SelftestCommand.EXIT_USAGE;
        }
        Map<String, String> endpoints = ServiceEndpoints.environment(supervisor.state().services());
        if (!endpoints.isEmpty()) {
            // what a test run in another terminal needs: copy the lines, or read them with --status
            out.println("endpoints: " + endpointLine(endpoints));
            out.flush();
        }
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            // Ctrl-C or SIGTERM: stop every tree, then end with 0 (the JVM would otherwise report 130/143)
            if (!supervisor.stopped().isDone()) {
                interrupted.set(true);
                SupervisorState end = supervisor.stop("interrupted");
                out.println(summary(end));
                out.flush();
                Runtime.getRuntime().halt(0);
            }
        }, "supervise-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        SupervisorState end = supervisor.stopped().join();
        if (interrupted.get()) {
            Thread.currentThread().join(); // the shutdown hook prints the summary and ends the JVM with 0
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook does the rest
        }
        lock.get().close();
        out.println(summary(end));
        out.flush();
        return 0;
    }

    static String format(SupervisorEvent e) {
        String time = LocalTime.ofInstant(e.time(), ZoneId.systemDefault()).format(TIME);
        return String.format("%s  %-16s %-12s %s", time, e.service().orElse("(supervisor)"), e.type(), e.message()).stripTrailing();
    }

    private static String summary(SupervisorState end) {
        return "stopped " + end.services().size() + " service(s); restarts: " + end.services().stream()
                .mapToInt(ServiceStatus::restarts).sum();
    }

    private int status(Path statusDir, PrintWriter out, PrintWriter err) throws IOException {
        SupervisorClient client = SupervisorClient.open(statusDir);
        Optional<SupervisorState> state = client.state();
        if (state.isEmpty()) {
            err.println("supervise: no supervisor state in " + statusDir + " (no state.json): is it a control directory?");
            return SelftestCommand.EXIT_USAGE;
        }
        out.print(table(state.get(), client.heartbeatAge(), Instant.now()));
        out.flush();
        return 0;
    }

    /** {@code 5432->127.0.0.1:41234, PORT->127.0.0.1:41235}, or {@code -}. */
    private static String portsOf(ServiceStatus s) {
        if (s.ports().isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        s.ports().forEach((k, p) -> parts.add(k + "->" + s.host().orElse("?") + ":" + p));
        return LogText.line(String.join(", ", parts));
    }

    /** {@code K=V K=V}: the variables of the services' endpoints, as a shell takes them. */
    static String endpointLine(Map<String, String> endpoints) {
        StringBuilder sb = new StringBuilder();
        endpoints.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=')
                .append(v.matches("[A-Za-z0-9._:/@-]+") ? v : ShellWords.quote(v)));
        return LogText.line(sb.toString());
    }

    /** The {@code --status} table. */
    static String table(SupervisorState st, Optional<Duration> heartbeat, Instant now) {
        StringBuilder sb = new StringBuilder();
        sb.append("supervisor ").append(st.supervisorId()).append(" (pid ").append(st.pid()).append(", ")
                .append(st.phase().name().toLowerCase());
        heartbeat.ifPresent(h -> sb.append(", heartbeat ").append(String.format(java.util.Locale.ROOT, "%.1fs", h.toMillis() / 1000.0))
                .append(" ago"));
        sb.append(")\n");
        List<String[]> rows = new ArrayList<>();
        boolean ports = st.services().stream().anyMatch(s -> !s.ports().isEmpty());
        rows.add(ports ? new String[] {"NAME", "STATE", "PID", "RESTARTS", "UPTIME", "LAST EXIT", "PORTS"}
                : new String[] {"NAME", "STATE", "PID", "RESTARTS", "UPTIME", "LAST EXIT"});
        for (ServiceStatus s : st.services()) {
            String uptime = s.pid().isPresent() && s.startedAt().isPresent()
                    ? Durations.format(Duration.ofSeconds(Duration.between(s.startedAt().get(), now).toSeconds())) : "-";
            String[] row = {s.name(), s.state().name(), s.pid().map(String::valueOf).orElse("-"),
                String.valueOf(s.restarts()), uptime, s.lastExit().map(e -> e.describe()).orElse("-"), portsOf(s)};
            rows.add(ports ? row : java.util.Arrays.copyOf(row, 6));
        }
        int[] width = new int[7];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(String.format("%-" + (width[i] + 2) + "s", r[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        for (ServiceStatus s : st.services()) {
            s.message().filter(m -> s.state().terminal()).ifPresent(m -> sb.append(s.name()).append(": ").append(m).append('\n'));
        }
        Map<String, String> endpoints = ServiceEndpoints.environment(st.services());
        if (!endpoints.isEmpty()) {
            sb.append("endpoints: ").append(endpointLine(endpoints)).append('\n');
        }
        if (st.droppedEvents() > 0) {
            sb.append(st.droppedEvents()).append(" event line(s) dropped (slow or full disk)\n");
        }
        return sb.toString();
    }
}
