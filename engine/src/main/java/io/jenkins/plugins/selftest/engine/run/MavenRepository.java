package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.process.ShellWords;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Maven repository of container shards that have the workspace bind-mounted: the {@code repository/} of the
 * Maven user home ({@link SelfTestOptions#mavenHome()}, {@code ~/.m2}), mounted read-write at its own path. It is the
 * user's own repository, so what the agent's builds resolved is reused and only what the image's Maven needs beyond
 * it is downloaded, once, by {@link Preparation#warmUpOfflineMaven} in a container of the run's image; the shards then
 * run offline against it, without a network. Immutable.
 *
 * @param home    the Maven user home
 * @param offline whether Maven runs with {@code -o} against it (the shards) or may download into it (the warm-up)
 * @param origin  how it came to hold what the shards need, for people: "filled by the image's mvn in prepare"
 */
record MavenRepository(Path home, boolean offline, String origin) {

    /** The {@link #origin} after a warm-up that worked. */
    static final String FILLED = "filled by the image's mvn in prepare";

    /** The repository the shards of a run use after its warm-up, {@code filled} or not. */
    static MavenRepository forShards(Path home, boolean filled) {
        return new MavenRepository(home, true, filled ? FILLED
                : "the image's mvn could not fill it in prepare, see " + Preparation.LOG);
    }

    Path repository() {
        return home.resolve("repository");
    }

    /**
     * Maven's options for it: {@code -Dmaven.repo.local}, {@code -s} with the home's {@code settings.xml} when there
     * is one (inside the container {@code ~} is not the user's home, and mirrors and their repository ids must be
     * the same for the warm-up and the shards: Maven refuses offline what it downloaded from another id), and
     * {@code -o} when offline. Each starts with a space.
     */
    String mavenOptions() {
        Path settings = home.resolve("settings.xml");
        return (offline ? " -o" : "") + " -Dmaven.repo.local=" + ShellWords.quote(repository().toString())
                + (Files.isRegularFile(settings) ? " -s " + ShellWords.quote(settings.toString()) : "");
    }

    /**
     * The line of {@link #describe()} for shards that copy the workspace in (a remote engine): they share no
     * repository with the host, so their Maven resolves online into the container's own.
     */
    static String describeCopied(Path home) {
        return "maven repository of each container (online; the workspace is copied in, " + home + " is not shared)";
    }

    /** One line for the run's output and the top of each shard's log. */
    String describe() {
        return "maven repository " + repository() + " (" + (offline ? "offline" : "online") + "; " + origin + ")";
    }
}
