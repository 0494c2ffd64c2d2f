package io.jenkins.plugins.selftest.engine.junit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All test cases parsed from a set of JUnit XML files, plus the problems met while reading them (a malformed,
 * truncated or hostile file is named here; the cases of every other file are kept).
 *
 * <p>Bounded: every case is kept and counted, but only the first {@link #MAX_DETAILED_CASES} with a message, stack
 * trace or output keep them; later ones lose them and are counted in {@code detailsDropped} (the "truncated" mark), so
 * a report of 200,000 failures yields a details file of names, not of stack traces.
 *
 * <p>Immutable; serializes to JSON through {@code Json}.
 *
 * @param detailsDropped cases whose message, details and output were dropped; 0 in files written before it existed
 *                       (since 0.2)
 */
public record TestSuiteResult(List<TestCaseResult> cases, List<String> problems, int detailsDropped) {

    /** Cases that keep their message, details and output; later ones are counted only. */
    public static final int MAX_DETAILED_CASES = 1000;

    /** No tests, no problems: the null object for "nothing parsed yet". */
    public static final TestSuiteResult EMPTY = new TestSuiteResult(List.of(), List.of());

    public TestSuiteResult {
        problems = List.copyOf(problems);
        List<TestCaseResult> kept = new ArrayList<>(cases.size());
        int detailed = 0;
        for (TestCaseResult c : cases) {
            boolean hasDetails = c.message().isPresent() || c.details().isPresent() || c.systemOut().isPresent();
            if (hasDetails && ++detailed > MAX_DETAILED_CASES) {
                kept.add(new TestCaseResult(c.className(), c.name(), c.durationSeconds(), c.status(), c.flaky(),
                        Optional.empty(), Optional.empty(), Optional.empty(), c.reportFile()));
                detailsDropped++;
            } else {
                kept.add(c);
            }
        }
        cases = List.copyOf(kept);
    }

    public TestSuiteResult(List<TestCaseResult> cases, List<String> problems) {
        this(cases, problems, 0);
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
        int dropped = 0;
        for (TestSuiteResult p : parts) {
            cases.addAll(p.cases());
            problems.addAll(p.problems());
            dropped += p.detailsDropped();
        }
        return new TestSuiteResult(cases, problems, dropped);
    }

    private int count(TestStatus status) {
        return (int) cases.stream().filter(c -> c.status() == status).count();
    }
}
