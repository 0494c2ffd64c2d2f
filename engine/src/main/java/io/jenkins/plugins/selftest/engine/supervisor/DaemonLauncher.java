package io.jenkins.plugins.selftest.engine.supervisor;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a {@link SupervisorDaemon} JVM: {@code <java> <jvmFlags> -cp <classpath> SupervisorDaemon <dir>}.
 * Immutable; round-trips through {@link io.jenkins.plugins.selftest.engine.json.Json}, but is never written to the
 * control directory: its {@code environment} may carry a build's secrets, which the daemon and its services hold in
 * memory only (the services inherit the daemon's environment; {@code spec.json} has only their declared {@code env}).
 *
 * @param java      the java executable (on a Jenkins agent: the agent's own)
 * @param classpath the engine jar (the plugin's shaded agent jar) or the engine's classpath
 * @param jvmFlags  flags before {@code -cp}; {@link #DEFAULT_JVM_FLAGS} keeps a daemon with 100 services near
 *                  40 MiB resident
 * @param environment variables added to the daemon's environment, which its services inherit; default
 *                    {@link #DEFAULT_ENVIRONMENT}
 */
public record DaemonLauncher(Path java, List<Path> classpath, List<String> jvmFlags, Map<String, String> environment) {

    /**
     * glibc gives every thread that mallocs its own arena; where the daemon has no keeper and the JDK keeps a reaper
     * thread per child, that is most of the resident memory of a daemon with many services. Two arenas are plenty.
     */
    public static final Map<String, String> DEFAULT_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * A small, quick JVM: little heap with the serial collector (no GC threads to speak of), the interpreter only,
     * small thread stacks, no class data sharing. Measured with 100 services and the keeper (no thread per service):
     * about 39.5 MiB resident after five bursts of 100 restarts (10 MiB of it metaspace, 3.3 MiB symbols, 3.8 MiB
     * heap, the rest mostly libjvm's text); see docs/performance.md.
     */
    public static final List<String> DEFAULT_JVM_FLAGS = List.of(
            // a heap of 2 MiB growing to 16, with a young generation of 1 MiB: the daemon's live data is small, and
            // every page of a larger young generation is touched, so resident, after a few collections; 1.9 MiB less
            // than -Xms8m, for more young collections (about 0.08 ms more CPU a restart)
            "-Xms2m", "-Xmn1m", "-Xmx16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:+UseSerialGC",
            // no JIT: a supervisor spends its life waiting, and what it does per start and restart is a few
            // thousand bytecodes around system calls. Against C1 with high compile thresholds: 2.7 MiB less
            // resident (the compiler thread, its arena and code, its part of libjvm's text) for about 0.9 ms more
            // of the daemon's CPU per restart, which shows as about 1 ms more at p99 of a single crash's restart;
            // startup, bursts of restarts and readiness measured no slower (docs/performance.md, seventh round of #12)
            "-Xint",
            "-XX:MaxMetaspaceSize=48m", "-Xss256k", "-XX:+UseCompressedOops",
            // the interned strings' table starts at 65,536 buckets (512 KiB, all written); the JVM grows it as the
            // strings come, and the daemon's fit in a few thousand: 0.4-0.5 MiB less resident
            "-XX:StringTableSize=1024",
            // no class data sharing: the JDK's archive is 12 MiB mapped, and where it is relocated at start (Debian's
            // JDK always does, for address randomization) every page of it is written, so resident; the 1,800 classes
            // the daemon loads take less in metaspace: 2.1 MiB less in all, and no slower start that the benchmark sees
            "-Xshare:off", "-XX:-UsePerfData", "-Djava.awt.headless=true",
            // reflection stays native (the JSON of records reads their components through Method.invoke): after 15
            // calls of one method JDK 17 generates a class for it, about 2 ms of CPU each in the interpreter, and the
            // few dozen of the daemon held 0.3-0.4 MiB resident; a native call costs 0.4 us more (JDK 18 and later
            // reflect through method handles and ignore this)
            "-Dsun.reflect.inflationThreshold=2147483647",
            // the JDK keeps one reaper thread per child, and banging 20 shadow pages makes each one cost 80 KiB of
            // resident stack; 10 pages are ample for the little native code (waitpid, file I/O) these threads run
            "-XX:StackShadowPages=10",
            // vfork(2) starts a child without jspawnhelper's extra exec: the cheapest spawn the JDK has on Linux
            "-Djdk.lang.Process.launchMechanism=VFORK");

    public DaemonLauncher {
        Objects.requireNonNull(java, "java");
        classpath = List.copyOf(classpath);
        jvmFlags = List.copyOf(jvmFlags);
        environment = environment == null ? DEFAULT_ENVIRONMENT : Map.copyOf(environment);
        if (classpath.isEmpty()) {
            throw new IllegalArgumentException("classpath must name the engine jar");
        }
    }

    /** The running JVM's java, this JVM's classpath, the default flags. */
    public static DaemonLauncher currentJvm() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isEmpty()).map(Path::of).toList();
        return new DaemonLauncher(java, cp, DEFAULT_JVM_FLAGS, DEFAULT_ENVIRONMENT);
    }

    /** The same launcher with other JVM flags. */
    public DaemonLauncher withJvmFlags(List<String> flags) {
        return new DaemonLauncher(java, classpath, flags, environment);
    }

    /**
     * The same launcher with {@code inherited} (a build's environment) under its own variables: the daemon's services
     * inherit it without it being written anywhere. The launcher's own variables ({@link #DEFAULT_ENVIRONMENT}) win.
     */
    public DaemonLauncher withInherited(Map<String, String> inherited) {
        Map<String, String> env = new java.util.LinkedHashMap<>(inherited);
        env.putAll(environment);
        return new DaemonLauncher(java, classpath, jvmFlags, env);
    }

    /** The argv that starts a daemon on {@code controlDir}. */
    public List<String> command(Path controlDir, boolean resume) {
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.addAll(jvmFlags);
        argv.add("-cp");
        argv.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        argv.add(SupervisorDaemon.class.getName());
        argv.add(controlDir.toAbsolutePath().toString());
        if (resume) {
            argv.add("--resume");
        }
        return argv;
    }
}
