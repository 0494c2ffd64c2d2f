package io.jenkins.plugins.selftest.engine.supervisor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The variables through which the body of a block and the dependent services reach services with ports:
 * {@code SERVICE_<NAME>_HOST}, {@code SERVICE_<NAME>_PORT} (the first or only port) and, for a service with several,
 * {@code SERVICE_<NAME>_PORT_<CONTAINERPORT>} for each. {@code NAME} is the service's name upper-cased, every
 * character but {@code A-Z} and {@code 0-9} turned into {@code _} ({@code mock-api} gives {@code SERVICE_MOCK_API_PORT}).
 * The one home of these names: the Pipeline step, the CLI and the supervisor (for dependent services) use it.
 *
 * <p>Stateless and thread-safe.
 */
public final class ServiceEndpoints {

    private ServiceEndpoints() {
    }

    /** The variables of every service in {@code services} that has a host and ports, in their order. */
    public static Map<String, String> environment(List<ServiceStatus> services) {
        Map<String, String> env = new LinkedHashMap<>();
        for (ServiceStatus s : services) {
            if (s.host().isPresent() && !s.ports().isEmpty()) {
                env.putAll(of(s.name(), s.host().get(), s.ports()));
            }
        }
        return env;
    }

    /** The variables of one service reached at {@code host} on {@code ports} (see {@link ServiceStatus#ports()}). */
    public static Map<String, String> of(String name, String host, Map<String, Integer> ports) {
        Map<String, String> env = new LinkedHashMap<>();
        String prefix = "SERVICE_" + variablePart(name);
        env.put(prefix + "_HOST", host);
        ports.values().stream().findFirst().ifPresent(p -> env.put(prefix + "_PORT", Integer.toString(p)));
        if (ports.size() > 1) {
            ports.forEach((key, p) -> env.put(prefix + "_PORT_" + variablePart(key), Integer.toString(p)));
        }
        return env;
    }

    /** {@code name} upper-cased with every character but {@code A-Z}, {@code 0-9} turned into {@code _}. */
    public static String variablePart(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(upper.length());
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            b.append(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ? c : '_');
        }
        return b.toString();
    }
}
