package io.jenkins.plugins.selftest.engine.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The compiled keeper ({@code src/main/c/keeper.c}) that the engine's build puts among its classes for the
 * architecture it was built on, and the file it is run from: {@code selftest-<uid>/selftest-keeper-<id>} in the
 * temporary directory, a directory only this user can write to (made so, or refused when it is not), so nothing
 * another user wrote can be run as this one. The file is written once per build of the binary (the id, which the
 * build writes beside it, says which: the start of its SHA-256 and its size) and renamed into place whole; later JVMs
 * of this user run the one that is there, without reading the binary (a supervisor daemon's heap is counted).
 */
final class KeeperBinary {

    /** The resource of this machine's architecture, beside this class. */
    static final String RESOURCE = "native/linux-" + System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT)
            + "/selftest-keeper";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private KeeperBinary() {
    }

    /** Where the binary is or was put, or why there is none. */
    record Installed(Optional<Path> file, String why) {
    }

    private static final class Default {
        static final Installed INSTALLED = install(Path.of(System.getProperty("java.io.tmpdir", "/tmp")));
    }

    /** The binary in this user's directory of the temporary directory, made once per JVM. */
    static Installed installed() {
        return Default.INSTALLED;
    }

    /** The binary in {@code selftest-<uid>} under {@code parent}, written there when it is not yet. */
    static Installed install(Path parent) {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return none("the compiled keeper is for Linux");
        }
        String[] id;
        try (InputStream in = KeeperBinary.class.getResourceAsStream(RESOURCE + ".id")) {
            if (in == null) {
                return none("this build has no compiled keeper for linux-" + System.getProperty("os.arch"));
            }
            id = new String(in.readNBytes(100), StandardCharsets.US_ASCII).trim().split(" ");
        } catch (IOException e) {
            return none("cannot read the compiled keeper: " + e.getMessage());
        }
        if (id.length != 2 || !id[0].matches("[0-9a-f]{16}") || !id[1].matches("[0-9]{1,9}")) {
            return none("the compiled keeper's id is not one the build writes: " + String.join(" ", id));
        }
        long size = Long.parseLong(id[1]);
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Path dir = parent.resolve("selftest-" + uid);
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                // checked below, as one made just now
            }
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory() || !uid.equals(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                    || attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                return none(dir + " is not a directory that only this user (uid " + uid + ") can write to");
            }
            Path file = dir.resolve("selftest-keeper-" + id[0]);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != size) {
                Path partial = Files.createTempFile(dir, ".selftest-keeper", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                try (InputStream in = KeeperBinary.class.getResourceAsStream(RESOURCE);
                     OutputStream out = Files.newOutputStream(partial)) {
                    // into the file made owner-only (a copy that replaces it would make it anew, readable by all)
                    if (in == null || in.transferTo(out) != size) {
                        return none("the compiled keeper in this build is not the one its id names");
                    }
                    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            if (!Files.isExecutable(file)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                if (!Files.isExecutable(file)) {
                    // the kernel's answer, which also says no for a file system mounted noexec
                    return none("the compiled keeper cannot be run from " + dir + " (mounted noexec?)");
                }
            }
            return new Installed(Optional.of(file), "");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return none("cannot put the compiled keeper in " + parent + ": " + e);
        }
    }

    private static Installed none(String why) {
        return new Installed(Optional.empty(), why);
    }
}
