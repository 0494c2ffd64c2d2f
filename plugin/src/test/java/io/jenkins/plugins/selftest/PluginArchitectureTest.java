package io.jenkins.plugins.selftest;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The plugin's packages depend on each other one way, as docs/architecture.md draws them (STYLE.md, 2; the ArchUnit
 * rules coverage-plugin keeps beside its diagram): {@code steps} use {@code agent} and {@code actions};
 * {@code actions} use {@code charts} and {@code restapi}; {@code agent}, {@code charts} and {@code restapi} use none
 * of the others. All of them may use the engine and {@link Messages}.
 */
@AnalyzeClasses(packages = PluginArchitectureTest.ROOT, importOptions = ImportOption.DoNotIncludeTests.class)
class PluginArchitectureTest {

    static final String ROOT = "io.jenkins.plugins.selftest";

    /** Each package of the plugin below {@link #ROOT} is a slice, new ones too; the engine is not the plugin's. */
    private static final SliceAssignment PLUGIN_PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            if (!p.startsWith(ROOT + ".") || p.startsWith(ROOT + ".engine") || p.startsWith(ROOT + ".shaded")) {
                return SliceIdentifier.ignore();
            }
            return SliceIdentifier.of(p.substring(ROOT.length() + 1).split("\\.")[0]);
        }

        @Override
        public String getDescription() {
            return "the plugin's packages";
        }
    };

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().assignedFrom(PLUGIN_PACKAGES)
            .should().beFreeOfCycles()
            .because("a package can then be read, tested and changed without the ones that use it");

    @ArchTest
    static final ArchRule dependenciesPointOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("steps").definedBy(ROOT + ".steps..")
            .layer("agent").definedBy(ROOT + ".agent..")
            .layer("actions").definedBy(ROOT + ".actions..")
            .layer("charts").definedBy(ROOT + ".charts..")
            .layer("restapi").definedBy(ROOT + ".restapi..")
            .whereLayer("steps").mayNotBeAccessedByAnyLayer()
            .whereLayer("agent").mayOnlyBeAccessedByLayers("steps")
            .whereLayer("actions").mayOnlyBeAccessedByLayers("steps")
            .whereLayer("charts").mayOnlyBeAccessedByLayers("actions")
            .whereLayer("restapi").mayOnlyBeAccessedByLayers("actions")
            .because("docs/architecture.md: steps -> agent, steps -> actions -> charts, restapi");
}
