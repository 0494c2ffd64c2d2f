package io.jenkins.plugins.selftest.engine.process;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Finds and stops whole process trees on Linux through {@code /proc}: the process group of the root, its
 * descendants, and every process that carries the tree's cookie variable, so double-forked daemons that left the
 * group and were re-parented to init are found too; and, where the tree was started in its own cgroup
 * ({@link Cgroups}), every process in it, which is then killed as a whole ({@code cgroup.kill}) and removed.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProcessTree {

    private static final Path PROC = Path.of("/proc");
    private static final Duration POLL = Duration.ofMillis(10);
    /**
     * How often a stop reads again an empty environment, {@link #SETTLE_PAUSE} apart: {@code REREADS} times in any
     * case, and up to {@code SETTLE_TRIES} times while the command line is empty too. On a process that did nothing
     * but exec itself, 40-50% of single reads were empty; with two more reads 1 of 2,000 passes missed it, with ten
     * none of 6,000.
     */
    private static final int REREADS = 10;
    private static final int SETTLE_TRIES = 100;
    private static final Duration SETTLE_PAUSE = Duration.ofMillis(1);
    private static final VariableSearch COOKIE = new VariableSearch(ProcessLauncher.COOKIE_VARIABLE);
    /** How long a stop waits for a killed cgroup to empty before it leaves it (the kernel reaps within ms). */
    private static final Duration CGROUP_WAIT = Duration.ofSeconds(5);

    private ProcessTree() {
    }

    /**
     * The outcome of {@link #stop}.
     *
     * @param signalled processes that got the stop signal
     * @param killed    processes still alive after the grace period that got KILL
     */
    public record StopResult(int signalled, int killed) {
        public boolean graceful() {
            return killed == 0;
        }
    }

    /**
     * Sends {@code signal} to the whole tree of {@code pid} (group, descendants, cookie holders), waits up to
     * {@code grace} for all of them to end, then KILLs whatever is left and waits until nothing of the tree remains.
     * Processes that fork while being stopped are found again on each pass.
     *
     * @param cookie the tree's cookie, or null to go by group and descendants only
     */
    public static StopResult stop(long pid, String cookie, Signal signal, Duration grace) {
        // found once, while members are alive to say where it is; later passes go by it alone
        Optional<Path> cgroup = cgroupOf(cookie, processMembers(pid, cookie));
        Supplier<Set<Long>> members = () -> members(pid, cookie, cgroup);
        return stop(members.get(), members, s -> signalGroup(pid, s), cgroup, signal, grace);
    }

    /**
     * Stops what is left of the tree with {@code cookie} once its root has ended and been reaped (a daemon it started,
     * a server a test left running): every process that carries the cookie and everything in the tree's cgroup, as
     * {@link #stop} does. The root's pid and group play no part: the pid may be another process's by now.
     *
     * @return what was left, one {@linkplain #describe description} each; empty when nothing was (an empty cgroup
     *         is removed all the same)
     */
    public static List<String> stopLeftovers(String cookie, Signal signal, Duration grace) {
        Set<Long> holders = withCookie(cookie);
        Optional<Path> cgroup = cgroupOf(cookie, holders);
        cgroup.ifPresent(c -> addCgroup(holders, c));
        List<String> left = holders.stream().map(ProcessTree::describe).toList();
        stop(holders, () -> {
            Set<Long> found = withCookie(cookie);
            cgroup.ifPresent(c -> addCgroup(found, c));
            return found;
        }, s -> { }, cgroup, signal, grace);
        return left;
    }

    /**
     * Signals {@code targets} (and, through {@code group}, the root's group), waits up to {@code grace} for the
     * {@code members} to end, then KILLs what is left until nothing is, and removes the cgroup.
     */
    private static StopResult stop(Set<Long> targets, Supplier<Set<Long>> members, Consumer<Signal> group,
                                   Optional<Path> cgroup, Signal signal, Duration grace) {
        Found found = new Found();
        targets = found.with(targets);
        int signalled = targets.size();
        group.accept(signal);
        targets.forEach(p -> send(p, signal));
        long deadline = System.nanoTime() + grace.toNanos();
        while (!targets.isEmpty() && System.nanoTime() < deadline) {
            sleep(POLL);
            targets = found.with(members.get());
        }
        int killed = 0;
        for (int pass = 0; !targets.isEmpty() && pass < 500; pass++) {
            killed += targets.size();
            group.accept(Signal.KILL);
            targets.forEach(p -> send(p, Signal.KILL));
            sleep(POLL);
            targets = found.with(members.get());
        }
        cgroup.ifPresent(c -> Cgroups.killAndRemove(c, CGROUP_WAIT));
        return new StopResult(signalled, killed);
    }

    /** The most characters of a process's command line that {@link #describe} gives. */
    static final int DESCRIBED_CHARS = 100;

    /**
     * What {@code pid} runs, for a message: {@code pid 1234 (java … GradleDaemon 8.5)}, its program's file name and
     * its last two arguments (where a Java or Python program names what it runs), at most {@value #DESCRIBED_CHARS}
     * characters of them, each unprintable one as {@code ?}.
     */
    static String describe(long pid) {
        List<String> argv = new java.util.ArrayList<>();
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            for (int from = 0, to; from < raw.length; from = to + 1) {
                for (to = from; to < raw.length && raw[to] != 0; to++) {
                    // to the argument's end
                }
                argv.add(new String(raw, from, to - from, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // gone, or not ours to read: the pid alone
        }
        if (argv.isEmpty()) {
            return "pid " + pid;
        }
        String program = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        List<String> last = argv.subList(Math.max(1, argv.size() - 2), argv.size());
        String text = program + (argv.size() > 3 ? " … " : last.isEmpty() ? "" : " ") + String.join(" ", last);
        StringBuilder shown = new StringBuilder();
        text.codePoints().limit(DESCRIBED_CHARS)
                .forEach(c -> shown.appendCodePoint(Character.isISOControl(c) || !Character.isDefined(c) ? '?' : c));
        boolean cut = text.codePointCount(0, text.length()) > DESCRIBED_CHARS;
        return "pid " + pid + " (" + shown + (cut ? "…" : "") + ")";
    }

    /**
     * Kills what is left in the cgroup of the tree with {@code cookie} (started by this JVM), if it has one, and
     * removes it: a tree whose root has ended, where nothing may carry the cookie any more. Returns how many processes
     * were in it (0 when it is gone: a tree that ends by itself removes its cgroup if it is empty), empty when this JVM
     * starts trees without cgroups.
     */
    public static Optional<Integer> killCgroup(String cookie) {
        return Cgroups.of(cookie).map(c -> Files.isDirectory(c) ? killCgroup(c) : 0);
    }

    /** {@link #killCgroup} for every tree whose cookie starts with {@code cookiePrefix}. */
    public static int killCgroups(String cookiePrefix) {
        return Cgroups.withPrefix(cookiePrefix).stream().mapToInt(ProcessTree::killCgroup).sum();
    }

    private static int killCgroup(Path cgroup) {
        int left = Cgroups.pids(cgroup).size();
        Cgroups.killAndRemove(cgroup, CGROUP_WAIT);
        return left;
    }

    /**
     * One tree for {@link #stopAll}: its root, its cookie (or null), the first signal and the grace before KILL.
     */
    public record Tree(long pid, String cookie, Signal signal, Duration grace) {
    }

    /**
     * Stops many trees at once, as {@link #stop} does for one, but with one {@code /proc} pass and one {@code kill}
     * per signal for all of them on each round, so that stopping a hundred trees costs about as much as stopping one.
     * Each tree gets its own signal and grace; the call returns when nothing of any tree remains.
     *
     * @return one result per tree, in the order given
     */
    public static List<StopResult> stopAll(List<Tree> trees) {
        if (trees.isEmpty()) {
            return List.of();
        }
        long start = System.nanoTime();
        java.util.Map<Tree, Optional<Path>> cgroups = new java.util.HashMap<>();
        membersOf(trees, cgroups).forEach((t, m) -> cgroups.put(t, cgroupOf(t.cookie(), m)));
        java.util.Map<Tree, Found> found = new java.util.HashMap<>();
        trees.forEach(t -> found.put(t, new Found()));
        java.util.Map<Tree, Set<Long>> members = withFound(membersOf(trees, cgroups), found);
        int[] signalled = new int[trees.size()];
        int[] killed = new int[trees.size()];
        java.util.Map<Signal, List<String>> first = new java.util.EnumMap<>(Signal.class);
        for (int i = 0; i < trees.size(); i++) {
            Tree t = trees.get(i);
            Set<Long> m = members.get(t);
            signalled[i] = m.size();
            List<String> targets = first.computeIfAbsent(t.signal(), s -> new java.util.ArrayList<>());
            if (processGroup(t.pid()).filter(g -> g == t.pid()).isPresent()) {
                targets.add("-" + t.pid());
            }
            m.forEach(p -> targets.add(Long.toString(p)));
        }
        first.forEach(ProcessTree::killAll);
        boolean[] killSent = new boolean[trees.size()];
        for (int pass = 0; pass < 100_000; pass++) {
            boolean anyLeft = false;
            List<String> kill = new java.util.ArrayList<>();
            long elapsed = System.nanoTime() - start;
            for (int i = 0; i < trees.size(); i++) {
                Tree t = trees.get(i);
                Set<Long> m = members.get(t);
                if (m.isEmpty()) {
                    continue;
                }
                anyLeft = true;
                if (elapsed >= t.grace().toNanos()) {
                    if (!killSent[i]) {
                        killed[i] += m.size();
                    }
                    killSent[i] = true;
                    if (processGroup(t.pid()).filter(g -> g == t.pid()).isPresent()) {
                        kill.add("-" + t.pid());
                    }
                    m.forEach(p -> kill.add(Long.toString(p)));
                }
            }
            if (!anyLeft || pass > 50_000) {
                break;
            }
            killAll(Signal.KILL, kill);
            sleep(Duration.ofMillis(20));
            members = withFound(membersOf(trees, cgroups), found);
        }
        cgroups.values().forEach(c -> c.ifPresent(g -> Cgroups.killAndRemove(g, CGROUP_WAIT)));
        List<StopResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < trees.size(); i++) {
            results.add(new StopResult(signalled[i], killed[i]));
        }
        return results;
    }

    /** Each tree's {@code members} with what its stop found before that still runs ({@link Found}). */
    private static java.util.Map<Tree, Set<Long>> withFound(java.util.Map<Tree, Set<Long>> members,
                                                            java.util.Map<Tree, Found> found) {
        members.replaceAll((t, m) -> found.get(t).with(m));
        return members;
    }

    /**
     * The members a stop has found on any pass that still run: a pass can miss one, because a process in the middle
     * of an exec shows an empty environment for a moment, and a process found by its cookie alone (another session,
     * re-parented, no cgroup) that ignores TERM would then outlive the stop. Each is known by its pid and start time,
     * so a pid taken by another process meanwhile is not signalled.
     */
    private static final class Found {
        private final java.util.Map<Long, Long> started = new java.util.HashMap<>();

        /**
         * {@code members} (just found) and every member found before that still runs. A stat is read once for each
         * member, when it is first found, and then only for those this pass missed.
         */
        Set<Long> with(Set<Long> members) {
            members.forEach(p -> {
                if (!started.containsKey(p)) {
                    runningSince(p).ifPresent(t -> started.put(p, t));
                }
            });
            started.entrySet().removeIf(e -> !members.contains(e.getKey())
                    && !runningSince(e.getKey()).equals(Optional.of(e.getValue())));
            if (members.containsAll(started.keySet())) {
                return members;
            }
            Set<Long> all = new LinkedHashSet<>(members);
            all.addAll(started.keySet());
            return all;
        }
    }

    /**
     * Members of many trees from one pass over {@code /proc}: roots, their descendants, groups they lead, cookies;
     * and the processes in each tree's cgroup, where {@code cgroups} knows one.
     */
    private static java.util.Map<Tree, Set<Long>> membersOf(List<Tree> trees, java.util.Map<Tree, Optional<Path>> cgroups) {
        java.util.Map<Long, Long> parent = new java.util.HashMap<>();
        java.util.Map<Long, Long> groupOf = new java.util.HashMap<>();
        java.util.Map<Long, String> cookieOfPid = new java.util.HashMap<>();
        java.util.Set<String> cookies = new java.util.HashSet<>();
        trees.forEach(t -> {
            if (t.cookie() != null) {
                cookies.add(t.cookie());
            }
        });
        forEachOtherPid(pid -> {
            Optional<String[]> stat = stat(pid);
            if (stat.isEmpty() || "Z".equals(stat.get()[0]) || "X".equals(stat.get()[0])) {
                return;
            }
            parent.put(pid, Long.parseLong(stat.get()[1]));
            groupOf.put(pid, Long.parseLong(stat.get()[2]));
            if (!cookies.isEmpty() && !kernelThread(stat.get())) {
                variableOf(pid, COOKIE, true).filter(cookies::contains).ifPresent(c -> cookieOfPid.put(pid, c));
            }
        });
        java.util.Map<Long, List<Long>> children = new java.util.HashMap<>();
        parent.forEach((pid, ppid) -> children.computeIfAbsent(ppid, k -> new java.util.ArrayList<>()).add(pid));
        java.util.Map<Tree, Set<Long>> found = new java.util.LinkedHashMap<>();
        for (Tree t : trees) {
            Set<Long> m = new LinkedHashSet<>();
            if (parent.containsKey(t.pid())) {
                m.add(t.pid());
                java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(List.of(t.pid()));
                while (!todo.isEmpty()) {
                    for (long c : children.getOrDefault(todo.poll(), List.of())) {
                        if (m.add(c)) {
                            todo.add(c);
                        }
                    }
                }
            }
            boolean leader = Long.valueOf(t.pid()).equals(groupOf.get(t.pid()));
            groupOf.forEach((pid, g) -> {
                if (leader && g == t.pid()) {
                    m.add(pid);
                }
            });
            if (t.cookie() != null) {
                cookieOfPid.forEach((pid, c) -> {
                    if (c.equals(t.cookie())) {
                        m.add(pid);
                    }
                });
            }
            cgroups.getOrDefault(t, Optional.empty()).ifPresent(c -> addCgroup(m, c));
            found.put(t, m);
        }
        return found;
    }

    /** One {@code kill} for many targets (pids, or {@code -pgid} for groups). */
    private static void killAll(Signal signal, List<String> targets) {
        for (int from = 0; from < targets.size(); from += 500) {
            List<String> args = new java.util.ArrayList<>(List.of("-s", signal.name(), "--"));
            args.addAll(targets.subList(from, Math.min(targets.size(), from + 500)));
            runKill(args);
        }
    }

    /**
     * Live (non-zombie) processes of the tree: the group of {@code pid}, its descendants, the cookie holders and
     * everything in the tree's cgroup, if it has one.
     */
    public static Set<Long> members(long pid, String cookie) {
        Set<Long> found = processMembers(pid, cookie);
        return members(pid, cookie, cgroupOf(cookie, found));
    }

    private static Set<Long> members(long pid, String cookie, Optional<Path> cgroup) {
        Set<Long> found = processMembers(pid, cookie);
        cgroup.ifPresent(c -> addCgroup(found, c));
        return found;
    }

    /** The cgroup of the tree with {@code cookie} ({@link Cgroups#find}); none without a cookie. */
    private static Optional<Path> cgroupOf(String cookie, Set<Long> members) {
        return cookie == null ? Optional.empty() : Cgroups.find(cookie, members);
    }

    private static void addCgroup(Set<Long> members, Path cgroup) {
        Cgroups.pids(cgroup).stream().filter(ProcessTree::isRunning).forEach(members::add);
    }

    /** The group of {@code pid}, its descendants and the cookie holders. */
    private static Set<Long> processMembers(long pid, String cookie) {
        Set<Long> found = new LinkedHashSet<>();
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        root.filter(ProcessTree::alive).ifPresent(h -> found.add(h.pid()));
        root.ifPresent(h -> h.descendants().filter(ProcessTree::alive).forEach(d -> found.add(d.pid())));
        // only a group the root leads is "its" group: a root started without its own group shares its parent's,
        // and that group holds the caller itself
        long group = processGroup(pid).filter(g -> g == pid).orElse(-1L);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
            for (Path p : procs) {
                long other = Long.parseLong(p.getFileName().toString());
                if (other == ProcessHandle.current().pid() || found.contains(other)) {
                    continue;
                }
                Optional<String[]> stat = stat(other);
                if (stat.isEmpty() || "Z".equals(stat.get()[0])) {
                    continue;
                }
                if ((group > 0 && Long.parseLong(stat.get()[2]) == group)
                        || (cookie != null && !kernelThread(stat.get()) && hasCookie(other, cookie))) {
                    found.add(other);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: fall back to what ProcessHandle knows
        }
        return found;
    }

    /** Processes (not zombies) whose environment holds {@code SELFTEST_COOKIE=cookie}. */
    public static Set<Long> withCookie(String cookie) {
        Set<Long> found = new LinkedHashSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid != ProcessHandle.current().pid() && hasCookie(pid, cookie)
                        && stat(pid).map(s -> !"Z".equals(s[0])).orElse(false)) {
                    found.add(pid);
                }
            }
        } catch (IOException e) {
            // nothing readable, nothing found
        }
        return found;
    }

    /**
     * Live processes (not zombies) that carry a cookie accepted by {@code accept}, with their cookie: one pass over
     * {@code /proc} for any number of trees (a supervisor finding its services again, a stop of a run's shards). A
     * process in the middle of an exec is read again until it shows its environment (see {@link #variableOf}).
     */
    public static java.util.Map<Long, String> cookieHolders(java.util.function.Predicate<String> accept) {
        return cookieHolders(accept, true);
    }

    /**
     * {@link #cookieHolders(java.util.function.Predicate)} for a sweep that runs again and again, which does not wait
     * for a process in the middle of an exec ({@code settle} false): its next pass finds it.
     */
    public static java.util.Map<Long, String> cookieHolders(java.util.function.Predicate<String> accept, boolean settle) {
        java.util.Map<Long, String> found = new java.util.LinkedHashMap<>();
        forEachOtherPid(pid -> {
            Optional<String> value = variableOf(pid, COOKIE, settle);
            if (value.isPresent() && accept.test(value.get()) && stat(pid).map(s -> !"Z".equals(s[0])).orElse(false)) {
                found.put(pid, value.get());
            }
        });
        return found;
    }

    /** Every pid in {@code /proc} but this JVM's; nothing when {@code /proc} cannot be read. */
    private static void forEachOtherPid(java.util.function.LongConsumer action) {
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid != self) {
                    action.accept(pid);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing found
        }
    }

    /** The cookie in the environment of {@code pid}, if it has one and it is readable. */
    public static Optional<String> cookie(long pid) {
        return variableOf(pid, COOKIE);
    }

    /** The value of {@code variable} in the environment of {@code pid}, if it has one and it is readable. */
    public static Optional<String> environmentValue(long pid, String variable) {
        return variableOf(pid, new VariableSearch(variable));
    }

    private static Optional<String> variableOf(long pid, VariableSearch variable) {
        return variableOf(pid, variable, false);
    }

    /**
     * @param settle read again while the environment is empty, where that may be an exec under way: a process shows
     *               an empty environment for a moment then (its new memory has no arguments and environment yet, or
     *               the file was opened on the memory it had before), and a stop that read it then would miss a
     *               process that ignores TERM, which would outlive the stop. It is read ten times more, a
     *               millisecond apart, and then for as long as it has no command line either (at most 100 ms); a
     *               process that really has no environment ({@code env -i}) costs a stop 10 ms a pass. A periodic
     *               sweep does not wait: its next pass finds it.
     */
    private static Optional<String> variableOf(long pid, VariableSearch variable, boolean settle) {
        for (int tries = 0; ; tries++) {
            // a string path and plain reads: a Path and readAllBytes cost twice as much in the daemon's interpreter
            // (6.6-7.3 against 3.8 ms for 171 environments)
            byte[] env = new byte[8192];
            int n = 0;
            try (InputStream in = new FileInputStream("/proc/" + pid + "/environ")) {
                for (int got; (got = in.read(env, n, env.length - n)) > 0; ) {
                    n += got;
                    if (n == env.length) {
                        env = java.util.Arrays.copyOf(env, env.length * 2);
                    }
                }
            } catch (IOException | SecurityException e) {
                return Optional.empty();
            }
            if (n > 0 || !settle || tries == SETTLE_TRIES || (tries == 0 && !userProcess(pid))
                    || (tries >= REREADS && (hasCommandLine(pid) || !userProcess(pid)))) {
                return variable.in(env, n);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(SETTLE_PAUSE.toNanos());
        }
    }

    /** Whether {@code pid} runs (is no zombie) and is no kernel thread. */
    private static boolean userProcess(long pid) {
        return stat(pid).filter(s -> running(s) && !kernelThread(s)).isPresent();
    }

    private static boolean hasCommandLine(long pid) {
        try (InputStream in = new FileInputStream("/proc/" + pid + "/cmdline")) {
            return in.read() >= 0;
        } catch (IOException | SecurityException e) {
            return true;
        }
    }

    /** The flag of a kernel thread in the flags of {@code /proc/<pid>/stat} (include/linux/sched.h). */
    private static final long PF_KTHREAD = 0x00200000L;

    /** Whether the process whose {@link #stat} this is is a kernel thread, which has no environment. */
    private static boolean kernelThread(String[] stat) {
        return (Long.parseLong(stat[6]) & PF_KTHREAD) != 0;
    }

    /**
     * Finds one variable in an environment as {@code /proc/PID/environ} holds it ({@code NAME=value} entries, each
     * ended by a NUL) without visiting every byte: a Horspool search for NUL + {@code NAME=}, which steps over up to
     * as many bytes as that has. A sweep reads the environment of every process on the machine, once a second while
     * runs end: in the daemon's interpreter, one over 170 processes (100 with 3.5 KB environments) took 18-19 ms of
     * CPU with a scan of every byte and reads through a {@code Path}, 12-16 ms with this search and plain reads.
     */
    private static final class VariableSearch {
        private final byte[] pattern;
        private final int[] skip = new int[256];

        VariableSearch(String variable) {
            byte[] name = (variable + "=").getBytes(StandardCharsets.UTF_8);
            pattern = new byte[name.length + 1];
            System.arraycopy(name, 0, pattern, 1, name.length);
            java.util.Arrays.fill(skip, pattern.length);
            for (int i = 0; i < pattern.length - 1; i++) {
                skip[pattern[i] & 0xff] = pattern.length - 1 - i;
            }
        }

        /** The variable's value in the first {@code length} bytes of {@code env}, empty when it is not there or empty. */
        Optional<String> in(byte[] env, int length) {
            int m = pattern.length;
            int start = -1;
            if (length >= m - 1 && java.util.Arrays.equals(env, 0, m - 1, pattern, 1, m)) {
                start = m - 1; // the first entry, with no NUL before it
            } else {
                for (int i = 0; i + m <= length; i += skip[env[i + m - 1] & 0xff]) {
                    if (java.util.Arrays.equals(env, i, i + m, pattern, 0, m)) {
                        start = i + m;
                        break;
                    }
                }
            }
            if (start < 0) {
                return Optional.empty();
            }
            int end = start;
            while (end < length && env[end] != 0) {
                end++;
            }
            return end == start ? Optional.empty() : Optional.of(new String(env, start, end - start, StandardCharsets.UTF_8));
        }
    }

    /** Process group id of {@code pid}, from {@code /proc/<pid>/stat}. */
    public static Optional<Long> processGroup(long pid) {
        return stat(pid).map(s -> Long.parseLong(s[2]));
    }

    /**
     * Start time of {@code pid} in clock ticks since boot ({@code /proc/<pid>/stat} field 22). Together with the pid
     * it identifies a process across pid reuse.
     */
    public static Optional<Long> startTicks(long pid) {
        return stat(pid).map(s -> Long.parseLong(s[19]));
    }

    /** {@link #startTicks} of {@code pid} if it runs (is not a zombie). */
    private static Optional<Long> runningSince(long pid) {
        return stat(pid).filter(ProcessTree::running).map(s -> Long.parseLong(s[19]));
    }

    /** Clock ticks a second, the unit of {@link #cpuTicks} (Linux's {@code USER_HZ}, 100 on every architecture). */
    public static final int CLOCK_TICKS_PER_SECOND = 100;

    /**
     * CPU time {@code pid} has used so far, user plus system, in clock ticks ({@code /proc/<pid>/stat} fields 14 and
     * 15); empty when it is gone.
     */
    public static Optional<Long> cpuTicks(long pid) {
        return processStat(pid).map(Stat::cpuTicks);
    }

    /** Sends {@code signal} to one process; false when it is gone or not ours. */
    public static boolean send(long pid, Signal signal) {
        return runKill(List.of("-s", signal.name(), Long.toString(pid)));
    }

    /** Sends {@code signal} to the process group that {@code leader} leads, if it leads one. */
    public static boolean signalGroup(long leader, Signal signal) {
        Optional<Long> group = processGroup(leader);
        if (group.isEmpty() || group.get() != leader) {
            return false;
        }
        return runKill(List.of("-s", signal.name(), "--", "-" + leader));
    }

    private static boolean runKill(List<String> args) {
        List<String> argv = new java.util.ArrayList<>();
        argv.add("kill");
        argv.addAll(args);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@code pid} runs: exists and is not a zombie waiting to be reaped. */
    public static boolean isRunning(long pid) {
        return stat(pid).filter(ProcessTree::running).isPresent();
    }

    /** Whether the process whose {@link #stat} this is runs: it is neither a zombie nor dead. */
    private static boolean running(String[] stat) {
        return !"Z".equals(stat[0]) && !"X".equals(stat[0]);
    }

    private static boolean alive(ProcessHandle h) {
        return h.isAlive() && stat(h.pid()).map(s -> !"Z".equals(s[0])).orElse(false);
    }

    private static boolean hasCookie(long pid, String cookie) {
        return variableOf(pid, COOKIE, true).filter(cookie::equals).isPresent();
    }

    /**
     * The fields of {@code /proc/<pid>/stat} after the command name (which may itself hold spaces and parentheses):
     * index i is field i + 3 of proc(5), so [0] state, [1] ppid, [2] pgrp, [3] session, [19] starttime.
     */
    private static Optional<String[]> stat(long pid) {
        return processStat(pid).map(Stat::fields);
    }

    private static Optional<Stat> processStat(long pid) {
        return readStat(PROC.resolve(Long.toString(pid)).resolve("stat"));
    }

    /**
     * A {@code stat} file: the name between the parentheses, and the fields after them (state first), up to
     * starttime; the last element holds the rest of the line.
     */
    private record Stat(String name, String[] fields) {
        /** utime + stime, fields 14 and 15 of proc(5). */
        long cpuTicks() {
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
    }

    /** The fields of a {@code stat} file that are read here all come before this one (the 22nd, starttime, is the last). */
    private static final int FIELDS_READ = 20;

    private static Optional<Stat> readStat(Path file) {
        // one read into a buffer, and only the fields that are read split off: Files.readString (its channel and size
        // probing) and splitting all 52 fields took about 0.2 ms a call in the daemon's interpreter, once per spawn
        byte[] buf = new byte[4096];
        int n;
        try (InputStream in = new FileInputStream(file.toFile())) {
            n = in.readNBytes(buf, 0, buf.length);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String text = new String(buf, 0, n, StandardCharsets.UTF_8);
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > text.length()) {
            return Optional.empty();
        }
        return Optional.of(new Stat(text.substring(open + 1, close), text.substring(close + 2).trim().split(" ", FIELDS_READ + 1)));
    }

    /**
     * CPU time (user + system, clock ticks) of the threads of {@code pid} by thread name, the digits that end a name
     * dropped so that a pool's threads add up ({@code supervisor-spawn-1} and {@code -2} as {@code supervisor-spawn-});
     * empty when the process is gone. For the benchmark's account of where a supervisor's CPU goes.
     */
    public static Map<String, Long> threadCpuTicks(long pid) {
        Map<String, Long> byName = new java.util.TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("task"))) {
            for (Path task : tasks) {
                readStat(task.resolve("stat")).ifPresent(st -> byName.merge(st.name().replaceAll("[0-9]+$", ""),
                        st.cpuTicks(), Long::sum));
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byName;
    }

    private static boolean isNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
