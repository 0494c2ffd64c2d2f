package io.jenkins.plugins.selftest.engine;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The engine is plain Java: Jenkins only adapts it (STYLE.md, 1); its packages depend on each other one way (2). */
@AnalyzeClasses(packages = "io.jenkins.plugins.selftest.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineLayeringTest {

    @ArchTest
    static final ArchRule engineHasNoJenkinsTypes = noClasses()
            .that().resideInAPackage("io.jenkins.plugins.selftest.engine..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("hudson..", "jenkins..", "org.kohsuke..", "org.jenkinsci..")
            .because("engine/ must stay free of Jenkins types so the CLI and the agent daemon can use it");

    /** Any package of the project outside the engine is a front end (cli, the plugin's packages, new ones too). */
    @ArchTest
    static final ArchRule engineDoesNotDependOnItsFrontEnds = noClasses()
            .that().resideInAPackage("io.jenkins.plugins.selftest.engine..")
            .should().dependOnClassesThat(resideInAPackage("io.jenkins.plugins.selftest..")
                    .and(not(resideInAnyPackage("io.jenkins.plugins.selftest.engine..",
                            "io.jenkins.plugins.selftest.shaded.."))))
            .because("dependencies point one way: cli -> engine, plugin -> engine");

    @ArchTest
    static final ArchRule engineReadsAndWritesJsonWithoutTheDataBinding = noClasses()
            .that().resideInAPackage("io.jenkins.plugins.selftest.engine..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("com.fasterxml.jackson.databind..", "com.fasterxml.jackson.datatype..")
            .because("Json and RecordJson read and write on jackson-core alone: the binding's 700 classes cost the"
                    + " supervisor daemon about 10 MiB and each selftest command 0.2-0.3 s (docs/performance.md)");

    @ArchTest
    static final ArchRule enginePackagesAreFreeOfCycles = slices()
            .matching("io.jenkins.plugins.selftest.engine.(*)..")
            .should().beFreeOfCycles()
            .because("each engine package can be read and tested on its own (docs/architecture.md)");
}
