package io.jenkins.plugins.selftest.engine.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One cgroup (v2) per process tree, where the machine allows it, so that a stop reaches processes that left the
 * process group ({@code setsid}) and dropped the cookie ({@code env -i}) as well: membership of a cgroup is inherited
 * on fork and cannot be left by an unprivileged process. The cgroups live under {@code <this process's cgroup>/selftest/}
 * in the cgroup2 hierarchy ({@code /proc/mounts}, {@code /proc/self/cgroup}); each is named after its tree's cookie,
 * so whoever knows the cookie (a resumed supervisor, the run's owner) finds it again.
 *
 * <p>Where there is no writable cgroup2 hierarchy, or {@code SELFTEST_CGROUPS=off}, stops go by process group and
 * cookie only; {@link #mode()} says which. Stateless apart from the probe, done once; thread-safe.
 */
public final class Cgroups {

    /** Environment variable that turns cgroups off ({@code off}); anything else leaves the probe to decide. */
    public static final String SWITCH_VARIABLE = "SELFTEST_CGROUPS";

    private static final Optional<Path> MOUNT = cgroup2Mount();
    private static final Mode MODE = probe();

    private Cgroups() {
    }

    /**
     * How process trees are stopped on this machine.
     *
     * @param base   the directory the per-tree cgroups are created in; empty when cgroups are not used
     * @param reason why not, when they are not
     */
    public record Mode(Optional<Path> base, String reason) {
        public boolean enabled() {
            return base.isPresent();
        }

        /** One line for a log: which stop is in use and, without cgroups, why. */
        public String describe() {
            return base.map(b -> "stops use a cgroup per process tree (cgroup v2, " + b + ")")
                    .orElse("stops use process group + cookie only, no cgroups (" + reason + "): a process that"
                            + " leaves its group and drops SELFTEST_COOKIE can survive a stop");
        }
    }

    /** The mode of this JVM, probed once. */
    public static Mode mode() {
        return MODE;
    }

    /** Where the tree with {@code cookie} gets its cgroup when this JVM starts it; empty when cgroups are not used. */
    static Optional<Path> of(String cookie) {
        return MODE.base().map(b -> b.resolve(name(cookie)));
    }

    /**
     * The existing cgroup of the tree with {@code cookie}: the one this JVM would create, or the one a member of the
     * tree is in (so another JVM, in another cgroup, that started the tree is no obstacle: {@code selftest cleanup}
     * after a killed owner, a resumed supervisor).
     */
    static Optional<Path> find(String cookie, Collection<Long> members) {
        Optional<Path> own = of(cookie).filter(Files::isDirectory);
        if (own.isPresent() || MOUNT.isEmpty()) {
            return own;
        }
        String suffix = "/selftest/" + name(cookie);
        for (long pid : members) {
            Optional<String> path = cgroupOf(Path.of("/proc", Long.toString(pid), "cgroup"));
            if (path.isPresent() && path.get().endsWith(suffix)) {
                return Optional.of(MOUNT.get().resolve(path.get().substring(1))).filter(Files::isDirectory);
            }
        }
        return Optional.empty();
    }

    /** The existing cgroups this JVM made for trees whose cookie starts with {@code cookiePrefix}. */
    static List<Path> withPrefix(String cookiePrefix) {
        if (MODE.base().isEmpty()) {
            return List.of();
        }
        String prefix = name(cookiePrefix);
        try (java.util.stream.Stream<Path> dirs = Files.list(MODE.base().get())) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(prefix) && Files.isDirectory(d)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Creates the tree's cgroup; empty when cgroups are not in use or it cannot be created. */
    static Optional<Path> create(String cookie) {
        Optional<Path> dir = of(cookie);
        try {
            if (dir.isPresent()) {
                Files.createDirectories(dir.get());
            }
            return dir;
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Live processes in {@code cgroup}; none when it does not exist. */
    static Set<Long> pids(Path cgroup) {
        Set<Long> found = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(cgroup.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    found.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // removed meanwhile: nothing in it
        }
        found.remove(ProcessHandle.current().pid());
        return found;
    }

    /**
     * Kills everything in {@code cgroup} ({@code cgroup.kill}, or KILL to each member where the kernel has no
     * {@code cgroup.kill}), waits up to {@code wait} until it is empty, then removes it.
     *
     * @return whether the cgroup is gone
     */
    static boolean killAndRemove(Path cgroup, Duration wait) {
        Path kill = cgroup.resolve("cgroup.kill");
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            Set<Long> left = pids(cgroup);
            if (!left.isEmpty()) {
                if (Files.exists(kill)) {
                    write(kill, "1");
                } else {
                    left.forEach(p -> ProcessTree.send(p, Signal.KILL));
                }
            }
            if (remove(cgroup)) {
                return true;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * Removes {@code cgroup} if it is empty (a tree that ended by itself); true when it is gone. The kernel refuses
     * to remove a populated cgroup ({@code EBUSY}), so one {@code rmdir} is the test: this runs after every exit of a
     * supervised run.
     */
    static boolean remove(Path cgroup) {
        try {
            Files.delete(cgroup);
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The argv that joins {@code cgroup} and then execs {@code command} (same pid: the process joins before it
     * can fork, so every descendant is born inside). A failed join only loses the cgroup, not the start.
     */
    static List<String> joining(Path cgroup, List<String> command) {
        List<String> argv = new java.util.ArrayList<>(List.of("/bin/sh", "-c",
                "echo $$ > \"$0\" 2>/dev/null; exec \"$@\"", cgroup.resolve("cgroup.procs").toString()));
        argv.addAll(command);
        return argv;
    }

    /** A directory name for a cookie: {@code [A-Za-z0-9._-]} kept, anything else {@code _}. */
    static String name(String cookie) {
        // an array and plain ranges: a stream over the characters and the Unicode tables took the interpreted
        // supervisor daemon 53 us a start for a cookie of 48 characters
        char[] c = cookie.toCharArray();
        for (int i = 0; i < c.length; i++) {
            char x = c[i];
            if (!(x >= 'a' && x <= 'z' || x >= 'A' && x <= 'Z' || x >= '0' && x <= '9' || x == '.' || x == '-')) {
                c[i] = '_';
            }
        }
        return "tree-".concat(new String(c));
    }

    private static Mode probe() {
        if ("off".equalsIgnoreCase(System.getenv(SWITCH_VARIABLE))) {
            return new Mode(Optional.empty(), SWITCH_VARIABLE + "=off");
        }
        Optional<Path> mount = MOUNT;
        if (mount.isEmpty()) {
            return new Mode(Optional.empty(), "no cgroup2 hierarchy in /proc/mounts");
        }
        Optional<String> own = cgroupOf(Path.of("/proc/self/cgroup"));
        if (own.isEmpty()) {
            return new Mode(Optional.empty(), "no cgroup v2 entry (0::) in /proc/self/cgroup");
        }
        Path base = mount.get().resolve(own.get().replaceFirst("^/+", "")).resolve("selftest");
        Path probe = base.resolve("probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(probe);
            boolean usable = Files.isWritable(probe.resolve("cgroup.procs"));
            Files.delete(probe);
            if (!usable) {
                return new Mode(Optional.empty(), base + " is not writable");
            }
            return new Mode(Optional.of(base), "");
        } catch (IOException | SecurityException e) {
            return new Mode(Optional.empty(), "cannot create a cgroup under " + base + ": " + e.getMessage());
        }
    }

    private static Optional<Path> cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 3 && f[2].equals("cgroup2") && f[3].startsWith("rw")) {
                    return Optional.of(Path.of(f[1].replace("\\040", " ")));
                }
            }
        } catch (IOException e) {
            // no /proc: no cgroups
        }
        return Optional.empty();
    }

    /** The cgroup v2 path ({@code 0::/path}) in a {@code /proc/<pid>/cgroup} file. */
    private static Optional<String> cgroupOf(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith("0::/"))
                    .map(l -> l.substring(3)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            // emptied or removed meanwhile
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
