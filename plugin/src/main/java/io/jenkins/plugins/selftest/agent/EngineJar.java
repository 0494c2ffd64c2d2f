package io.jenkins.plugins.selftest.agent;

import hudson.FilePath;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorDaemon;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The engine jar ({@code WEB-INF/lib/supervised-selftest-engine.jar}: engine + libraries in one file) on an agent.
 * It is copied once per content (the file name carries its hash), atomically, so concurrent builds and plugin
 * upgrades never see half a jar, and the agent's own Java runs the supervisor daemon from it.
 *
 * <p>Thread-safe.
 */
public final class EngineJar {

    /** System property naming the engine jar where the plugin does not run from its .hpi (development, tests). */
    public static final String OVERRIDE = "io.jenkins.plugins.selftest.engineJar";

    private static volatile Local local;

    private EngineJar() {
    }

    /** The engine jar on the controller and the first 16 hex digits of its SHA-256. */
    record Local(File file, String hash) {
    }

    static Local local() throws IOException {
        Local l = local;
        if (l == null) {
            File file = locate();
            l = new Local(file, sha256(file).substring(0, 16));
            local = l;
        }
        return l;
    }

    /**
     * Makes sure the engine jar is in {@code agentRoot/supervised-selftest/} and returns its path on that machine.
     *
     * @param agentRoot a directory on the agent that outlives builds (the agent's root directory)
     */
    public static String install(FilePath agentRoot) throws IOException, InterruptedException {
        Local l = local();
        FilePath dir = agentRoot.child("supervised-selftest");
        FilePath target = dir.child("engine-" + l.hash() + ".jar");
        if (!target.exists()) {
            dir.mkdirs();
            FilePath part = dir.child(target.getName() + ".part-" + UUID.randomUUID());
            try {
                part.copyFrom(new FilePath(l.file()));
                part.renameTo(target);
            } finally {
                part.delete();
            }
        }
        return target.getRemote();
    }

    private static File locate() throws IOException {
        String override = System.getProperty(OVERRIDE);
        if (override != null && !override.isBlank()) {
            File f = new File(override);
            if (!f.isFile()) {
                throw new IOException("-D" + OVERRIDE + "=" + override + " is not a file: point it at "
                        + "engine/target/supervised-selftest-engine-<version>-agent.jar");
            }
            return f;
        }
        File f;
        try {
            f = new File(SupervisorDaemon.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IOException("cannot find the supervised-selftest engine jar: " + e, e);
        }
        if (!f.isFile()) {
            throw new IOException("the supervised-selftest engine is not packaged as a jar (it runs from " + f
                    + "): install the plugin's .hpi, or set -D" + OVERRIDE + " to the engine's agent jar");
        }
        return f;
    }

    private static String sha256(File f) throws IOException {
        try (InputStream in = Files.newInputStream(f.toPath())) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
