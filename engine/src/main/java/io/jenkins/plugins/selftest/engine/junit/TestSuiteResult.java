package io.jenkins.plugins.selftest.engine.junit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All test cases parsed from a set of JUnit XML files, plus the problems met while reading them (a malformed,
 * truncated or hostile file is named here; the cases of every other file are kept).
 *
 * <p>Immutable; serializes to JSON through {@code Json}.
 */
public record TestSuiteResult(List<TestCaseResult> cases, List<String> problems) {

    /** No tests, no problems: the null object for "nothing parsed yet". */
    public static final TestSuiteResult EMPTY = new TestSuiteResult(List.of(), List.of());

    public TestSuiteResult {
        cases = List.copyOf(cases);
        problems = List.copyOf(problems);
    }

    public int total() {
        return cases.size();
    }

    public int passed() {
        return count(TestStatus.PASSED);
    }

    public int failed() {
        return count(TestStatus.FAILED);
    }

    public int errors() {
        return count(TestStatus.ERROR);
    }

    public int skipped() {
        return count(TestStatus.SKIPPED);
    }

    public int flaky() {
        return (int) cases.stream().filter(TestCaseResult::flaky).count();
    }

    /** The failed and errored cases, in report order. */
    public List<TestCaseResult> failures() {
        return cases.stream().filter(TestCaseResult::isFailure).toList();
    }

    /** Summed duration per test class (insertion order), the input of shard planning. */
    public Map<String, Double> classDurations() {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (TestCaseResult c : cases) {
            sums.merge(c.className(), c.durationSeconds(), Double::sum);
        }
        return java.util.Collections.unmodifiableMap(sums);
    }

    /** Concatenates the cases and problems of {@code parts}, in order. */
    public static TestSuiteResult merge(List<TestSuiteResult> parts) {
        List<TestCaseResult> cases = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (TestSuiteResult p : parts) {
            cases.addAll(p.cases());
            problems.addAll(p.problems());
        }
        return new TestSuiteResult(cases, problems);
    }

    private int count(TestStatus status) {
        return (int) cases.stream().filter(c -> c.status() == status).count();
    }
}
