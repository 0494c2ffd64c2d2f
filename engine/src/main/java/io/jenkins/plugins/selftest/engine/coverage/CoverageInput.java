package io.jenkins.plugins.selftest.engine.coverage;

import java.nio.file.Path;
import java.util.List;

/**
 * What to aggregate: JaCoCo exec files (all merged), the compiled main classes (directories or jars) to analyse,
 * and the source directories used only to render source pages in the HTML report.
 */
public record CoverageInput(List<Path> execFiles, List<Path> classDirectories, List<Path> sourceDirectories) {

    public CoverageInput {
        execFiles = List.copyOf(execFiles);
        classDirectories = List.copyOf(classDirectories);
        sourceDirectories = List.copyOf(sourceDirectories);
    }
}
