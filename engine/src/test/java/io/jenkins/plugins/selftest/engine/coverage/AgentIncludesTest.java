package io.jenkins.plugins.selftest.engine.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentIncludesTest {

    private static Path classFile(Path dir, String relative) throws IOException {
        Path f = dir.resolve(relative);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, "");
    }

    @Test
    void namesEachPackageTreeOnceAcrossModules(@TempDir Path tmp) throws IOException {
        Path core = tmp.resolve("core/target/classes");
        Path web = tmp.resolve("web/target/classes");
        classFile(core, "com/acme/billing/Invoice.class");
        classFile(core, "com/acme/billing/tax/Rate$Table.class");
        classFile(core, "com/acme/billing/package-info.class");
        classFile(core, "module-info.class");
        classFile(core, "META-INF/MANIFEST.MF");
        classFile(web, "com/acme/web/Controller.class");
        classFile(web, "org/example/Util.class");

        assertThat(AgentIncludes.of(List.of(core, web, tmp.resolve("api/target/classes"))))
                .contains("com.acme.billing.*:com.acme.web.*:org.example.*");
    }

    @Test
    void manyPackagesAreNamedByTheirCommonPrefixes(@TempDir Path tmp) throws IOException {
        Path classes = tmp.resolve("classes");
        for (int i = 0; i < AgentIncludes.MAX_PATTERNS + 1; i++) {
            classFile(classes, "com/acme/m" + i + "/impl/C.class");
        }
        classFile(classes, "org/example/deep/er/D.class");

        assertThat(AgentIncludes.of(List.of(classes))).contains("com.acme.*:org.example.*");
    }

    @Test
    void everyClassStaysInstrumentedWhereThePackagesCannotBeNamed(@TempDir Path tmp) throws IOException {
        Path defaultPackage = tmp.resolve("a");
        classFile(defaultPackage, "org/example/A.class");
        classFile(defaultPackage, "Main.class");
        Path odd = tmp.resolve("b");
        classFile(odd, "org/my-lib/B.class");
        Path jar = Files.writeString(tmp.resolve("app.jar"), "");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path holdingAJar = tmp.resolve("d");
        classFile(holdingAJar, "org/example/D.class");
        classFile(holdingAJar, "org/example/config.properties");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(holdingAJar.resolve("plugins.bin")))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("com/vendor/Plugin.class"));
        }
        classFile(tmp.resolve("c"), "org/example/C.class");

        assertThat(AgentIncludes.of(List.of(defaultPackage))).isEmpty();
        assertThat(AgentIncludes.of(List.of(odd))).isEmpty();
        assertThat(AgentIncludes.of(List.of(tmp.resolve("c"), jar))).isEmpty();
        assertThat(AgentIncludes.of(List.of(empty))).isEmpty();
        assertThat(AgentIncludes.of(List.of(holdingAJar))).as("an archive's classes are analysed too").isEmpty();
        assertThat(AgentIncludes.of(List.of())).isEmpty();
        assertThat(AgentIncludes.of(List.of(tmp.resolve("c")))).contains("org.example.*");
    }
}
