package io.jenkins.plugins.selftest.actions;

import hudson.model.Run;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * "Supervised services" on the build page: one row per service of every {@code supervisedService} block of the
 * build, with its last known state. Small, so it lives in {@code build.xml}; the service logs are artifacts under
 * {@value #ARTIFACT_DIR}/.
 *
 * <p>Thread-safe: rows are replaced under the action's lock.
 */
@ExportedBean
public class SupervisedServicesAction extends RunBoundAction {

    /** Where the service logs are archived. */
    public static final String ARTIFACT_DIR = "supervised-services";

    private final List<Row> rows = new ArrayList<>();

    /** The action of {@code run}, added if missing. */
    public static SupervisedServicesAction of(Run<?, ?> run) {
        synchronized (run) {
            SupervisedServicesAction a = run.getAction(SupervisedServicesAction.class);
            if (a == null) {
                a = new SupervisedServicesAction();
                run.addAction(a);
            }
            return a;
        }
    }

    /** Replaces the rows of the services in {@code state} (others, from other blocks, stay). */
    public synchronized void update(SupervisorState state) {
        for (ServiceStatus s : state.services()) {
            rows.removeIf(r -> r.name.equals(s.name()));
            rows.add(Row.of(s, state.updatedAt()));
        }
    }

    @Exported
    public synchronized List<Row> getServices() {
        return List.copyOf(rows);
    }

    /** The rows as JSON for the page's renderer (escaped there, never concatenated into HTML). */
    public synchronized String getServicesJson() {
        return Json.write(rows.stream().map(Row::view).toList());
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.get("SupervisedServicesAction.DisplayName");
    }

    @Override
    public String getUrlName() {
        return null;
    }

    /** One service; serialized into build.xml, so fields only of simple types. */
    @ExportedBean(defaultVisibility = 2)
    public static final class Row implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final String state;
        private final int restarts;
        private final String lastExit;
        private final long readyMillis;
        private final long uptimeMillis;
        /** Where the body reaches the service; null without a port (and in rows of older builds). Since 13. */
        private final String host;
        /** {@code PORT} or the container port to the allocated host port; null in rows of older builds. Since 13. */
        private final LinkedHashMap<String, Integer> ports;
        /** The container's name for a container service, else null. Since 13. */
        private final String container;

        Row(String name, String state, int restarts, String lastExit, long readyMillis, long uptimeMillis,
            String host, Map<String, Integer> ports, String container) {
            this.name = name;
            this.state = state;
            this.restarts = restarts;
            this.lastExit = lastExit;
            this.readyMillis = readyMillis;
            this.uptimeMillis = uptimeMillis;
            this.host = host;
            this.ports = new LinkedHashMap<>(ports);
            this.container = container;
        }

        static Row of(ServiceStatus s, Instant now) {
            long ready = s.readyAt().flatMap(r -> s.startedAt().map(st -> Duration.between(st, r).toMillis())).orElse(-1L);
            long up = s.startedAt().map(st -> Duration.between(st, now).toMillis()).orElse(-1L);
            return new Row(s.name(), s.state().name().toLowerCase(), s.restarts(),
                    s.lastExit().map(e -> e.describe()).orElse(""), ready, up, s.host().orElse(null), s.ports(),
                    s.container().orElse(null));
        }

        Object view() {
            return new RowView(name, state, restarts, lastExit, readyMillis, uptimeMillis,
                    ARTIFACT_DIR + "/" + name + ".log", Optional.ofNullable(host), getPorts(),
                    Optional.ofNullable(container));
        }

        @Exported
        public String getName() {
            return name;
        }

        @Exported
        public String getState() {
            return state;
        }

        @Exported
        public int getRestarts() {
            return restarts;
        }

        @Exported
        public String getLastExit() {
            return lastExit;
        }

        /** From start to ready, -1 when never ready. */
        @Exported
        public long getReadyMillis() {
            return readyMillis;
        }

        /** From the current run's start to the last state seen, -1 when never started. */
        @Exported
        public long getUptimeMillis() {
            return uptimeMillis;
        }

        /** Where the body reaches the service ({@code 127.0.0.1}); null when it has no port. */
        @Exported
        public String getHost() {
            return host;
        }

        /**
         * The allocated host ports: {@code {"PORT": 41234}} for {@code port}, {@code {"5432": 41234}} for a
         * container's {@code ports}; empty when it has none.
         */
        @Exported
        public Map<String, Integer> getPorts() {
            return ports == null ? Map.of() : Collections.unmodifiableMap(ports);
        }

        /** The container's name for a container service; null for a process. */
        @Exported
        public String getContainer() {
            return container;
        }
    }

    /** What the page's renderer reads. */
    record RowView(String name, String state, int restarts, String lastExit, long readyMillis, long uptimeMillis,
                   String log, Optional<String> host, Map<String, Integer> ports, Optional<String> container) {
    }
}
