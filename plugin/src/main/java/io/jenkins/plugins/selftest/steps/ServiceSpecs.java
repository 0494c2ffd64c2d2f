package io.jenkins.plugins.selftest.steps;

import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;

import hudson.AbortException;
import hudson.util.FormValidation;
import io.jenkins.plugins.selftest.engine.supervisor.SpecException;
import io.jenkins.plugins.selftest.engine.supervisor.SpecParser;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the step's parameters into the engine's spec through the engine's own parser ({@link SpecParser#fromMap}),
 * so a Jenkinsfile and a {@code selftest supervise} spec file accept the same values and get the same errors.
 */
final class ServiceSpecs {

    private static final String STEP = "supervisedService";

    private ServiceSpecs() {
    }

    /**
     * The spec of {@code step}'s services: its {@code services}, or the one service of its own fields (whose errors
     * then name {@code restart}, not {@code services[0].restart}).
     *
     * <p>The spec is written to the control directory ({@code spec.json}), so it holds only what the step declares:
     * each service's {@code env}. The build's environment (withEnv, tools, credentials bindings) is not part of it; it
     * reaches the services as the daemon's own environment ({@link io.jenkins.plugins.selftest.agent.ServiceAgent#launch}).
     *
     * @param workspace the workspace path on the agent; {@code dir} must stay inside it
     * @throws AbortException with one line per problem, each {@code supervisedService: <field>: ...}, the step's own
     *                        fields' ({@link SupervisedServiceStep#problems()}) first
     */
    static SupervisorSpec toSpec(SupervisedServiceStep step, String workspace) throws AbortException {
        boolean single = step.getServices().isEmpty();
        List<ServiceDefinition> defs = step.effectiveServices();
        List<Map<String, Object>> services = new ArrayList<>();
        for (int i = 0; i < defs.size(); i++) {
            services.add(toMap(defs.get(i), single ? "" : "services[" + i + "].", workspace));
        }
        List<String> problems = new ArrayList<>(step.problems());
        try {
            SupervisorSpec spec = SpecParser.fromMap(Map.of("services", services));
            Choices.check(STEP, problems);
            return spec;
        } catch (SpecException e) {
            for (String p : e.problems()) {
                problems.add(single ? p.replace("services[0].", "") : p);
            }
            throw Choices.abort(STEP, problems);
        }
    }

    private static Map<String, Object> toMap(ServiceDefinition d, String path, String workspace) throws AbortException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (d.getName() == null || d.getName().isBlank()) {
            throw new AbortException("supervisedService: " + path + "name: every service needs a name, e.g. name: 'db'");
        }
        boolean container = d.getImage() != null;
        if (!container && (d.getCommand() == null || d.getCommand().isBlank())) {
            throw new AbortException("supervisedService: " + path + "command: service '" + d.getName()
                    + "' needs a command, e.g. command: 'java -jar app.jar', or an image, e.g. image: 'postgres:16'");
        }
        m.put("name", d.getName());
        putIfSet(m, "command", d.getCommand());
        putIfSet(m, "image", d.getImage());
        if (d.getPort() != null) {
            m.put("port", PortArgument.specValue(d.getPort()));
        }
        if (!d.getPorts().isEmpty()) {
            m.put("ports", d.getPorts());
        }
        if (!d.getVolumes().isEmpty()) {
            m.put("volumes", d.getVolumes());
        }
        putIfSet(m, "runtime", d.getRuntime());
        putIfSet(m, "dockerHost", d.getDockerHost());
        if (!container) {
            m.put("workingDir", insideWorkspace(workspace, d.getDir(), path + "dir"));
        } else if (d.getDir() != null && !d.getDir().isBlank()) {
            throw new AbortException("supervisedService: " + path + "dir: applies to process services only: a container"
                    + " starts in its image's WORKDIR; remove dir, or mount a workspace directory with volumes");
        }
        Map<String, String> env = new LinkedHashMap<>();
        Optional<String> envProblem = envProblem(d.getEnv());
        if (envProblem.isPresent()) {
            throw Choices.abort(STEP, List.of(path + envProblem.get()));
        }
        for (String kv : d.getEnv()) {
            int eq = kv.indexOf('=');
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        m.put("env", env);
        m.put("restart", d.getRestart());
        m.put("maxRestarts", d.getMaxRestarts());
        m.put("startSeconds", d.getStartSeconds());
        m.put("stopTimeout", d.getStopTimeout());
        if (!d.getDependsOn().isEmpty()) {
            m.put("dependsOn", d.getDependsOn());
        }
        BackoffSettings b = d.getBackoff();
        if (b != null) {
            Map<String, Object> backoff = new LinkedHashMap<>();
            backoff.put("initial", b.getInitial());
            backoff.put("factor", b.getFactor());
            backoff.put("max", b.getMax());
            backoff.put("resetAfter", b.getResetAfter());
            m.put("backoff", backoff);
        }
        ReadinessSettings r = d.getReady();
        if (r != null) {
            Map<String, Object> ready = new LinkedHashMap<>();
            if (r.getPort() != null) {
                ready.put("port", PortArgument.specValue(r.getPort()));
            }
            putIfSet(ready, "http", r.getHttp());
            putIfSet(ready, "log", r.getLog());
            putIfSet(ready, "command", r.getCommand());
            putIfSet(ready, "exec", r.getExec());
            if (r.isHealthcheck()) {
                ready.put("healthcheck", true);
            }
            putIfSet(ready, "timeout", r.getTimeout());
            putIfSet(ready, "interval", r.getInterval());
            m.put("ready", ready);
        }
        return m;
    }

    /** The first entry of {@code env} that is not {@code KEY=value}, as a problem of the field {@code env}. */
    static Optional<String> envProblem(List<String> env) {
        return env.stream().filter(kv -> kv.indexOf('=') <= 0).findFirst()
                .map(kv -> "env: '" + kv + "' is not KEY=value; write one variable as NAME=value, e.g. 'PORT=8080'");
    }

    /**
     * The snippet generator's check of one service field ({@code maxRestarts}, {@code backoff.factor},
     * {@code ready.port}, ...): the engine's spec parser reads a service with only that field set, so the form
     * accepts exactly what the Pipeline does.
     */
    static FormValidation formCheck(String field, String value) {
        return Choices.form(field, fieldProblem(field, value));
    }

    /** {@link #formCheck} of a list field ({@code ports}, {@code volumes}) as its setter splits the form's text. */
    static FormValidation formCheck(String field, List<String> values) {
        return Choices.form(field, values.isEmpty() ? Optional.empty() : problem(field, values));
    }

    /** The problem {@link #formCheck} shows ({@code <field>: ...}), or empty. */
    static Optional<String> fieldProblem(String field, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return problem(field, field.equals("port") || field.equals("ready.port")
                ? PortArgument.specValue(value.trim()) : value.trim());
    }

    /** The container's fields: the spec parser reads them only beside an {@code image}. */
    private static final List<String> CONTAINER_FIELDS = List.of("ports", "volumes", "runtime", "dockerHost",
            "ready.exec", "ready.healthcheck");

    private static Optional<String> problem(String field, Object value) {
        String[] path = field.split("\\.");
        Map<String, Object> service = new LinkedHashMap<>(Map.of("name", "form", "command", "true"));
        if (CONTAINER_FIELDS.contains(field)) {
            service.put("image", "localhost/form");
        }
        if (field.startsWith("ready.")) {
            service.put("port", "auto"); // so that ready.port: 'auto' and ready.http: '/health' have a port to aim at
        }
        Map<String, Object> leaf = service;
        for (int i = 0; i < path.length - 1; i++) {
            Map<String, Object> child = new LinkedHashMap<>();
            if (path[i].equals("ready")) {
                child.put("command", "true"); // a readiness map needs a probe; the form checks its other fields
            }
            leaf.put(path[i], child);
            leaf = child;
        }
        leaf.put(path[path.length - 1], value);
        try {
            SpecParser.fromMap(Map.of("services", List.of(service)));
            return Optional.empty();
        } catch (SpecException e) {
            return e.problems().stream().map(p -> p.replace("services[0].", "")).filter(p -> p.startsWith(field))
                    .findFirst();
        }
    }

    private static void putIfSet(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isBlank()) {
            m.put(key, value);
        }
    }

    /**
     * {@code dir} resolved against the workspace; absolute paths and paths that climb out of the workspace are
     * rejected, because a Jenkinsfile must not start processes elsewhere on the agent.
     */
    static String insideWorkspace(String workspace, String dir, String field) throws AbortException {
        if (dir == null || dir.isBlank()) {
            return workspace;
        }
        try {
            return WorkspaceFiles.inside(Path.of(workspace), dir).toString();
        } catch (IllegalArgumentException e) {
            throw new AbortException("supervisedService: " + field + ": '" + dir + "' is outside the workspace: "
                    + "give a path relative to the workspace, e.g. dir: 'services/api'");
        }
    }
}
