package io.jenkins.plugins.selftest.realjenkins;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class the controller of this test JVM ({@link RealJenkins}), started once and shared by every class
 * that uses the extension (a start costs 30-60 s on two cores), stopped when the JVM's tests end. Tests get it as a
 * parameter. After each test the extension fails it if Jenkins logged a {@code SEVERE} record or a class-filter
 * rejection while it ran.
 *
 * <p>Without {@code ../shared/jenkins} (a user's clone) the tests are skipped with a line that says so; under
 * {@code CI=true} a missing runtime fails them instead, since CI must run them.
 */
public final class RealJenkinsExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private static final java.util.concurrent.atomic.AtomicBoolean SKIP_SAID = new java.util.concurrent.atomic.AtomicBoolean();
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealJenkinsExtension.class);

    /** Skips (or, in CI, fails) when this clone has no shared runtime; returns it otherwise. */
    static Path requireRuntime() {
        Optional<Path> runtime = RealJenkins.runtime();
        if (runtime.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but no real Jenkins at ../shared/jenkins (realJenkins.runtime="
                    + System.getProperty("realJenkins.runtime") + "): the real-Jenkins suite must run in CI");
        }
        String why = runtime.isEmpty() ? "no ../shared/jenkins/jenkins.war beside this clone"
                : !Files.isRegularFile(RealJenkins.hpi()) ? RealJenkins.hpi() + " is not built (run 'package' first)"
                : null;
        if (why != null && SKIP_SAID.compareAndSet(false, true)) {
            System.err.println("real-Jenkins tests skipped: " + why);
        }
        assumeTrue(why == null, "real-Jenkins tests skipped: " + why);
        return runtime.get();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        requireRuntime();
    }

    private static RealJenkins jenkins(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Shared.class, k -> Shared.start(), Shared.class)
                .jenkins;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("mark", jenkins(context).logMark());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        jenkins(context).assertNoProblemsSince(context.getStore(NS).get("mark", Long.class));
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == RealJenkins.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return jenkins(e);
    }

    /** The one controller of this JVM; JUnit closes it when the root context ends. */
    private static final class Shared implements ExtensionContext.Store.CloseableResource {
        final RealJenkins jenkins;

        private Shared(RealJenkins jenkins) {
            this.jenkins = jenkins;
        }

        static Shared start() {
            try {
                Path dir = Files.createDirectories(Path.of("target", "real-jenkins", "shared")).toAbsolutePath();
                return new Shared(RealJenkins.start(requireRuntime(), Files.createTempDirectory(dir, "run-")));
            } catch (Exception e) {
                throw new IllegalStateException("could not start the real Jenkins: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws Exception {
            jenkins.close();
        }
    }
}
