package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image archive ({@code podman save} / {@code docker save}) that a run loads before it checks its image, so that
 * agents without registry access get their image from a file: {@code --image-archive}, the step's
 * {@code imageArchive}, or else the environment's {@value #VARIABLE} (or the original tool's
 * {@value #LEGACY_VARIABLE}). Immutable.
 *
 * @param path  as given: relative to the workspace, or absolute; either way it must lie inside the workspace
 * @param field where it was given, named in every message about it ({@code --image-archive}, {@code imageArchive},
 *              {@value #VARIABLE})
 */
public record ImageArchive(String path, String field) {

    /** What an image name from an archive may look like: {@code localhost/java17:ci}, {@code sha256:...}. */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,254}");

    /** The variable read when no archive is given as an option. */
    public static final String VARIABLE = "SELFTEST_IMAGE_ARCHIVE";
    /** The original tool's name for {@link #VARIABLE}, read when that is not set. */
    public static final String LEGACY_VARIABLE = "MENACE_SELF_TEST_IMAGE_TAR";

    /** The archive named by {@code environment}'s {@value #VARIABLE} or {@value #LEGACY_VARIABLE}, if any. */
    public static Optional<ImageArchive> fromEnvironment(Map<String, String> environment) {
        for (String name : List.of(VARIABLE, LEGACY_VARIABLE)) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(new ImageArchive(value.strip(), name));
            }
        }
        return Optional.empty();
    }

    /**
     * The archive's file in {@code workspace}.
     *
     * @throws SetupException one line naming the field, when the path leads out of the workspace or is no readable
     *                        file
     */
    Path file(Path workspace) throws SetupException {
        Path file;
        try {
            file = WorkspaceFiles.inside(workspace, path);
        } catch (IllegalArgumentException e) {
            throw new SetupException(field + ": " + e.getMessage());
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new SetupException(field + ": image archive " + file + (Files.exists(file) ? " is not a readable file"
                    : " does not exist") + ": give the path of a file written by 'podman save' or 'docker save'");
        }
        return file;
    }

    /**
     * The image a run uses after loading {@code loaded} from this archive: the options' image when one was named,
     * else the one image the archive holds.
     *
     * @throws SetupException naming the field when that cannot be decided
     */
    String imageToUse(SelfTestOptions options, List<String> loaded) throws SetupException {
        if (!options.usesDefaultImage() || loaded.contains(options.image())
                || loaded.contains(SelfTestOptions.DEFAULT_IMAGE)) {
            return options.image();
        }
        if (loaded.size() != 1) {
            throw new SetupException(field + ": image archive " + path + " holds " + (loaded.isEmpty() ? "no image"
                    : loaded.size() + " images (" + String.join(", ", loaded) + ")") + ": name the image to use"
                    + " (--container-image / image)");
        }
        String image = loaded.get(0);
        // the name goes into the runtime's command line before the shard's command: never let it read as an option
        if (!REFERENCE.matcher(image).matches()) {
            throw new SetupException(field + ": image archive " + path + " holds an image named '" + image + "', which"
                    + " is no image reference: name the image to use (--container-image / image)");
        }
        return image;
    }
}
