package io.jenkins.plugins.selftest.engine.orphans;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How orphan classes are found, mirroring the original tool's options.
 *
 * @param enabled   false: no orphan report at all ({@code SELFTEST_DISABLE_ORPHANS=1})
 * @param discover  scan the bytecode when there is no usable saved list ({@code SELFTEST_DISCOVER_ORPHANS=0} turns it off)
 * @param refresh   scan anew even when the saved list exists
 * @param recursive also report main classes reachable only through orphans ({@code SELFTEST_RECURSIVE_ORPHANS=0} turns it off)
 * @param savedList an {@code orphans.json} of an earlier run: read when present (unless {@code refresh}), and
 *                  rewritten after a scan so the next run can reuse it
 */
public record OrphanOptions(boolean enabled, boolean discover, boolean refresh, boolean recursive,
                            Optional<Path> savedList) {

    public static final String ENV_DISABLE = "SELFTEST_DISABLE_ORPHANS";
    public static final String ENV_DISCOVER = "SELFTEST_DISCOVER_ORPHANS";
    public static final String ENV_RECURSIVE = "SELFTEST_RECURSIVE_ORPHANS";

    /** The defaults of the original tool: enabled, discovering, recursive, no refresh, no saved list. */
    public static final OrphanOptions DEFAULTS = new OrphanOptions(true, true, false, true, Optional.empty());

    /** Orphans off. */
    public static final OrphanOptions DISABLED = new OrphanOptions(false, false, false, false, Optional.empty());

    public OrphanOptions {
        savedList = Objects.requireNonNullElse(savedList, Optional.empty());
    }

    /**
     * Applies the environment variables over {@code defaults} (typically the command-line options): each variable
     * that is set to a boolean ({@code 1/0, true/false, yes/no, on/off}, any case) overrides the matching option;
     * unset, empty or unrecognised values leave it alone.
     */
    public static OrphanOptions fromEnvironment(Map<String, String> env, OrphanOptions defaults) {
        boolean enabled = flag(env.get(ENV_DISABLE)).map(disable -> !disable).orElse(defaults.enabled());
        boolean discover = flag(env.get(ENV_DISCOVER)).orElse(defaults.discover());
        boolean recursive = flag(env.get(ENV_RECURSIVE)).orElse(defaults.recursive());
        return new OrphanOptions(enabled, discover, defaults.refresh(), recursive, defaults.savedList());
    }

    public OrphanOptions withSavedList(Path file) {
        return new OrphanOptions(enabled, discover, refresh, recursive, Optional.of(file));
    }

    /** A boolean environment value: {@code 1/0, true/false, yes/no, on/off} in any case; anything else is empty. */
    public static Optional<Boolean> flag(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> Optional.of(true);
            case "0", "false", "no", "off" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
