package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.container.RunOwner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out TCP ports that no other build on this machine holds: a port is given only when it can be bound right now
 * and its reservation file ({@code DIR/PORT}) could be created, atomically, by this owner. A reservation records its
 * owner (the supervisor process and its control directory); one whose owner process is gone is reclaimed, and a
 * supervisor releases its ports when it stops. So two builds of one job on one agent that both ask for
 * {@code port: 'auto'} never get the same port, even between the allocation and the service's bind (the port
 * allocator plugin's job, done here for every service).
 *
 * <p>Ports come from {@value #FIRST}..{@value #LAST}, below Linux's ephemeral range (32768..60999) so an outgoing
 * connection does not take one meanwhile. The directory is {@code $SELFTEST_PORTS_DIR}, default
 * {@code /tmp/selftest-ports} (world-writable: every build user of the machine shares it).
 *
 * <p>Thread-safe: the file system's atomic create is the only lock.
 */
public final class PortAllocator {

    public static final int FIRST = 20_000;
    public static final int LAST = 32_000;
    /** Candidates tried before giving up. */
    static final int ATTEMPTS = 2_000;

    private final Path dir;
    private final String owner;
    private final String block;

    /**
     * @param dir   the shared reservation directory
     * @param owner the owning process, as {@link RunOwner#environmentValue()}
     * @param block the control directory of the block (a resumed supervisor of the same block takes its ports back)
     */
    public PortAllocator(Path dir, String owner, String block) {
        this.dir = dir;
        this.owner = owner;
        this.block = block;
    }

    /** The allocator of this process for {@code block}, on the machine's shared directory. */
    public static PortAllocator forBlock(Path block) {
        String dir = System.getenv().getOrDefault("SELFTEST_PORTS_DIR", "/tmp/selftest-ports");
        String owner = RunOwner.current().map(RunOwner::environmentValue)
                .orElse(ProcessHandle.current().pid() + ":0@unknown");
        return new PortAllocator(Path.of(dir), owner, block.toAbsolutePath().toString());
    }

    /**
     * A free port, reserved for this owner until {@link #release}.
     *
     * @throws IOException when the directory cannot be used or no port is free after {@value #ATTEMPTS} tries
     */
    public int allocate() throws IOException {
        ensureDirectory();
        int span = LAST - FIRST + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < Math.min(ATTEMPTS, span); i++) {
            int port = FIRST + (start + i * 7919) % span; // a prime stride: spread, every port once
            if (bindable(port) && reserve(port, false)) {
                if (bindable(port)) {
                    return port;
                }
                release(port); // taken between the check and the reservation by something that does not reserve
            }
        }
        throw new IOException("no free TCP port in " + FIRST + ".." + LAST + " after " + ATTEMPTS + " tries: free some,"
                + " or remove stale reservations in " + dir);
    }

    /**
     * Takes {@code port} back for this owner after a resume: its reservation is this block's (of a predecessor) or
     * nobody's. Returns false when another live owner holds it.
     */
    public boolean reclaim(int port) throws IOException {
        ensureDirectory();
        return reserve(port, true);
    }

    /** Gives the port up, if this block holds it. */
    public void release(int port) {
        Path file = dir.resolve(Integer.toString(port));
        try {
            if (Files.readString(file, StandardCharsets.UTF_8).contains("\nblock=" + block + "\n")) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // gone already, or not ours to remove: nothing to give up
        }
    }

    /** Whether the port can be bound on every address now (nothing listens there). */
    static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean reserve(int port, boolean sameBlockToo) throws IOException {
        Path file = dir.resolve(Integer.toString(port));
        String record = "owner=" + owner + "\nblock=" + block + "\n";
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Path tmp = Files.createTempFile(dir, "." + port + "-", ".tmp");
                try {
                    Files.writeString(tmp, record, StandardCharsets.UTF_8);
                    Files.createLink(file, tmp); // atomic: fails when the reservation exists
                    return true;
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (FileAlreadyExistsException e) {
                Optional<String> held = read(file);
                boolean ours = held.map(h -> h.contains("\nblock=" + block + "\n")).orElse(false);
                boolean stale = held.map(PortAllocator::ownerGone).orElse(true);
                if (!(stale || sameBlockToo && ours) || attempt > 0) {
                    return false;
                }
                Files.deleteIfExists(file); // a dead owner's: reclaim it, once
            }
        }
        return false;
    }

    private static boolean ownerGone(String record) {
        for (String line : record.split("\n")) {
            if (line.startsWith("owner=")) {
                return RunOwner.ofEnvironmentValue(line.substring(6))
                        .map(o -> o.liveness() == RunOwner.Liveness.GONE).orElse(true);
            }
        }
        return true;
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void ensureDirectory() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            // every build user of the machine shares it
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException | UnsupportedOperationException e) {
            if (!Files.isDirectory(dir)) {
                throw new IOException("cannot make the port reservation directory " + dir + ": " + e.getMessage()
                        + ": make it writable, or set SELFTEST_PORTS_DIR", e);
            }
        }
    }
}
