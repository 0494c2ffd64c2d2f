package io.jenkins.plugins.selftest.engine.junit;

import java.util.Objects;
import java.util.Optional;

/**
 * One test case from a JUnit XML report.
 *
 * @param className  the test class (or pytest module path), never null, may be empty
 * @param name       the test method / function name
 * @param durationSeconds wall time the report gives, 0 when absent
 * @param status     the final outcome (after reruns)
 * @param flaky      true when the case passed only after failing first ({@code <flakyFailure>}/{@code <flakyError>});
 *                   a case that failed every rerun ({@code <rerunFailure>}/{@code <rerunError>}) is FAILED/ERROR
 * @param message    the failure/error/skip message
 * @param details    the failure/error body (stack trace), bounded
 * @param systemOut  the case's {@code <system-out>}, bounded to {@link JUnitParser#MAX_OUTPUT_CHARS}
 * @param reportFile the XML file this case came from
 */
public record TestCaseResult(String className, String name, double durationSeconds, TestStatus status, boolean flaky,
                             Optional<String> message, Optional<String> details, Optional<String> systemOut,
                             String reportFile) {

    public TestCaseResult {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        message = Objects.requireNonNullElse(message, Optional.empty());
        details = Objects.requireNonNullElse(details, Optional.empty());
        systemOut = Objects.requireNonNullElse(systemOut, Optional.empty());
        reportFile = Objects.requireNonNullElse(reportFile, "");
    }

    /** {@code className.name}, or just the name when there is no class. */
    public String fullName() {
        return className.isEmpty() ? name : className + "." + name;
    }

    public boolean isFailure() {
        return status == TestStatus.FAILED || status == TestStatus.ERROR;
    }
}
