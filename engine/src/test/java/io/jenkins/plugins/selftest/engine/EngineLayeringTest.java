package io.jenkins.plugins.selftest.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The engine is plain Java: Jenkins only adapts it (STYLE.md, 1). */
@AnalyzeClasses(packages = "io.jenkins.plugins.selftest.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineLayeringTest {

    @ArchTest
    static final ArchRule engineHasNoJenkinsTypes = noClasses()
            .that().resideInAPackage("io.jenkins.plugins.selftest.engine..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("hudson..", "jenkins..", "org.kohsuke..", "org.jenkinsci..")
            .because("engine/ must stay free of Jenkins types so the CLI and the agent daemon can use it");

    @ArchTest
    static final ArchRule engineDoesNotDependOnItsFrontEnds = noClasses()
            .that().resideInAPackage("io.jenkins.plugins.selftest.engine..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("io.jenkins.plugins.selftest.cli..", "io.jenkins.plugins.selftest.steps..",
                    "io.jenkins.plugins.selftest.agent..", "io.jenkins.plugins.selftest.actions..",
                    "io.jenkins.plugins.selftest.charts..", "io.jenkins.plugins.selftest.restapi..")
            .because("dependencies point one way: cli -> engine, plugin -> engine");
}
