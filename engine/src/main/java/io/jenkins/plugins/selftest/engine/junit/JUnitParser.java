package io.jenkins.plugins.selftest.engine.junit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The one JUnit XML parser of the project: Surefire/Failsafe, Gradle and pytest ({@code --junitxml}) flavours.
 *
 * <p>Reading is secure: a DOCTYPE is refused outright, so external entities are never resolved and no entity is
 * ever expanded; an XXE or "billion laughs" file becomes a problem naming the file, never an exception, a leak or
 * a hang. A malformed or truncated file is likewise reported as a problem (the cases completely read before the
 * error are kept), and every other file's cases are kept.
 *
 * <p>Flavours: test cases are found at any depth below {@code <testsuites>}/{@code <testsuite>}; a case without
 * {@code classname} takes its suite's name. Surefire's {@code <flakyFailure>}/{@code <flakyError>} mark a case
 * that passed on a rerun (PASSED, flaky); {@code <rerunFailure>}/{@code <rerunError>} are reruns that failed too.
 * Gradle writes output per suite: a failed case without output of its own gets its suite's {@code <system-out>}.
 * All texts are bounded: output and stack traces to {@link #MAX_OUTPUT_CHARS}, messages to
 * {@link #MAX_MESSAGE_CHARS}, names to {@link #MAX_NAME_CHARS}; how many cases keep them at all is
 * {@link TestSuiteResult}'s bound.
 *
 * <p>Stateless and thread-safe.
 */
public final class JUnitParser {

    /** Upper bound of the characters kept per case for system-out and for failure details. */
    public static final int MAX_OUTPUT_CHARS = 64 * 1024;

    /** Upper bound of a failure message. */
    static final int MAX_MESSAGE_CHARS = 4 * 1024;

    /** Upper bound of a test's class name and of its name. */
    static final int MAX_NAME_CHARS = 1024;

    private JUnitParser() {
    }

    /**
     * Parses the given XML files. A directory contributes its {@code TEST-*.xml} files (Surefire, Gradle) or, when
     * it has none, all its {@code *.xml} files, recursively and sorted; files found in a directory whose root
     * element is not {@code testsuite(s)} (e.g. {@code failsafe-summary.xml}) are skipped silently. A path that does
     * not exist, or a file named explicitly that is not a JUnit report, becomes a problem.
     */
    public static TestSuiteResult parse(List<Path> filesOrDirectories) {
        List<TestCaseResult> cases = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path path : filesOrDirectories) {
            if (Files.isDirectory(path)) {
                for (Path file : reportsIn(path, problems)) {
                    parseFile(file, false, cases, problems);
                }
            } else if (Files.isRegularFile(path)) {
                parseFile(path, true, cases, problems);
            } else {
                problems.add(path + ": no such JUnit report file or directory");
            }
        }
        return new TestSuiteResult(cases, problems);
    }

    private static List<Path> reportsIn(Path dir, List<String> problems) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> xml = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".xml"))
                    .sorted()
                    .toList();
            List<Path> surefire = xml.stream().filter(p -> p.getFileName().toString().startsWith("TEST-")).toList();
            return surefire.isEmpty() ? xml : surefire;
        } catch (IOException | java.io.UncheckedIOException e) {
            problems.add(dir + ": cannot list JUnit reports: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * The one secure StAX setup of the project, for every XML a build wrote (JUnit reports, a Maven reactor's POMs):
     * no DTD support, no external entity, no entity replacement; a reader must still refuse a {@code DTD} event.
     */
    public static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setXMLResolver((publicId, systemId, baseUri, ns) -> {
            throw new Refused("external entity " + systemId + " refused", null);
        });
        return f;
    }

    private static void parseFile(Path file, boolean explicit, List<TestCaseResult> cases, List<String> problems) {
        FileParser parser = new FileParser(file.toString());
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader reader = factory().createXMLStreamReader(in);
            try {
                Optional<String> notJUnit = parser.read(reader);
                if (notJUnit.isPresent() && explicit) {
                    problems.add(file + ": not a JUnit XML report (root element <" + notJUnit.get()
                            + ">, expected <testsuite> or <testsuites>)");
                }
            } finally {
                reader.close();
            }
        } catch (Refused e) {
            problems.add(file + ": unsafe JUnit XML refused" + where(e) + ": " + e.reason + keptNote(parser.cases.size()));
        } catch (XMLStreamException e) {
            problems.add(file + ": " + describe(e) + keptNote(parser.cases.size()));
        } catch (NoSuchFileException e) {
            problems.add(file + ": no such JUnit report file");
        } catch (IOException e) {
            problems.add(file + ": cannot read JUnit report: " + e.getMessage());
        } catch (RuntimeException e) {
            // StAX implementations wrap some failures (e.g. entity limits) in unchecked exceptions.
            problems.add(file + ": unreadable JUnit report: " + e + keptNote(parser.cases.size()));
        }
        cases.addAll(parser.cases);
    }

    private static String where(XMLStreamException e) {
        Location at = e.getLocation();
        return at == null || at.getLineNumber() < 0 ? "" : " at line " + at.getLineNumber() + ", column " + at.getColumnNumber();
    }

    /** A document refused for safety (DOCTYPE, entity), as opposed to a malformed one. */
    private static final class Refused extends XMLStreamException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Refused(String reason, Location at) {
            super(reason, at);
            this.reason = reason;
        }
    }

    private static String describe(XMLStreamException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        // The JDK prefixes its message with "ParseError at [row,col]:[l,c]\nMessage: " - keep the message only.
        int idx = msg.indexOf("Message: ");
        if (idx >= 0) {
            msg = msg.substring(idx + "Message: ".length());
        }
        return "malformed or truncated JUnit XML" + where(e) + ": " + msg.strip();
    }

    private static String keptNote(int kept) {
        return kept == 0 ? "" : " (kept the " + kept + " test case(s) read before the error)";
    }

    /** Reads one document; collects only complete test cases. */
    private static final class FileParser {
        private final String file;
        private final List<TestCaseResult> cases = new ArrayList<>();

        FileParser(String file) {
            this.file = file;
        }

        /** Returns the root element's name when the document is not a JUnit report. */
        Optional<String> read(XMLStreamReader r) throws XMLStreamException {
            List<String> suiteNames = new ArrayList<>();
            List<Integer> suiteStarts = new ArrayList<>();
            boolean root = true;
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new Refused("DOCTYPE declarations are refused in JUnit reports "
                            + "(they can hide external or expanding entities)", r.getLocation());
                }
                if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                    throw new Refused("entity reference &" + r.getLocalName() + "; refused", r.getLocation());
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String name = r.getLocalName();
                    if (root) {
                        root = false;
                        if (!name.equals("testsuite") && !name.equals("testsuites")) {
                            return Optional.of(name);
                        }
                    }
                    switch (name) {
                        case "testsuite" -> {
                            suiteNames.add(attr(r, "name"));
                            suiteStarts.add(cases.size());
                        }
                        case "testcase" -> readCase(r, suiteNames.isEmpty() ? "" : suiteNames.get(suiteNames.size() - 1));
                        case "system-out" -> {
                            if (!suiteStarts.isEmpty()) {
                                giveSuiteOutput(suiteStarts.get(suiteStarts.size() - 1), readText(r, MAX_OUTPUT_CHARS));
                            }
                        }
                        default -> {
                        }
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("testsuite")
                        && !suiteNames.isEmpty()) {
                    suiteNames.remove(suiteNames.size() - 1);
                    suiteStarts.remove(suiteStarts.size() - 1);
                }
            }
            return Optional.empty();
        }

        /** Gradle: the suite's output goes to its failed cases that have none of their own. */
        private void giveSuiteOutput(int from, String out) {
            if (out.isBlank()) {
                return;
            }
            for (int i = from; i < cases.size(); i++) {
                TestCaseResult c = cases.get(i);
                if (c.isFailure() && c.systemOut().isEmpty()) {
                    cases.set(i, new TestCaseResult(c.className(), c.name(), c.durationSeconds(), c.status(), c.flaky(),
                            c.message(), c.details(), Optional.of(out), c.reportFile()));
                }
            }
        }

        private void readCase(XMLStreamReader r, String suiteName) throws XMLStreamException {
            String className = attr(r, "classname");
            if (className.isEmpty()) {
                className = suiteName;
            }
            String name = attr(r, "name");
            double time = seconds(attr(r, "time"));
            TestStatus status = TestStatus.PASSED;
            boolean flaky = false;
            String message = null;
            String details = null;
            StringBuilder out = new StringBuilder();
            int depth = 1;
            while (depth > 0) {
                int event = r.next();
                if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                    throw new Refused("entity reference &" + r.getLocalName() + "; refused", r.getLocation());
                }
                if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                    continue;
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String child = r.getLocalName();
                switch (child) {
                    case "failure", "error" -> {
                        status = child.equals("failure") ? TestStatus.FAILED : TestStatus.ERROR;
                        message = firstNonEmpty(attr(r, "message"), attr(r, "type"));
                        details = readText(r, MAX_OUTPUT_CHARS);
                    }
                    case "skipped" -> {
                        if (status == TestStatus.PASSED) {
                            status = TestStatus.SKIPPED;
                            message = attr(r, "message");
                        }
                        skip(r);
                    }
                    case "flakyFailure", "flakyError" -> {
                        flaky = true;
                        if (message == null) {
                            message = firstNonEmpty(attr(r, "message"), attr(r, "type"));
                        }
                        skip(r);
                    }
                    case "system-out" -> append(out, readText(r, MAX_OUTPUT_CHARS));
                    default -> skip(r); // rerunFailure, system-err, properties, ...
                }
            }
            if (status != TestStatus.PASSED) {
                flaky = false; // failed on every run: a failure, not a flake
            }
            cases.add(new TestCaseResult(clip(className), clip(name), time, status, flaky, nonEmpty(bound(message, MAX_MESSAGE_CHARS)),
                    nonEmpty(details), nonEmpty(out.toString()), file));
        }

        /** Appends a (bounded) text, keeping the whole within the bound plus one truncation note. */
        private static void append(StringBuilder out, String text) {
            int room = MAX_OUTPUT_CHARS - out.length();
            if (room <= 0) {
                return;
            }
            // the first text is already bounded by readText (with its own note); later ones get the room left
            out.append(out.isEmpty() || text.length() <= room ? text : bound(text, room));
        }
    }

    /** Skips the current element and its children. */
    private static void skip(XMLStreamReader r) throws XMLStreamException {
        int depth = 1;
        while (depth > 0) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            } else if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                throw new Refused("entity reference &" + r.getLocalName() + "; refused", r.getLocation());
            }
        }
    }

    /** The text content of the current element (children's text included), bounded to {@code max} characters. */
    private static String readText(XMLStreamReader r, int max) throws XMLStreamException {
        StringBuilder sb = new StringBuilder();
        long dropped = 0;
        int depth = 1;
        while (depth > 0) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> depth++;
                case XMLStreamConstants.END_ELEMENT -> depth--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    int len = r.getTextLength();
                    int room = max - sb.length();
                    if (room > 0) {
                        int take = Math.min(room, len);
                        sb.append(r.getTextCharacters(), r.getTextStart(), take);
                        dropped += len - take;
                    } else {
                        dropped += len;
                    }
                }
                case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw new Refused("entity reference &" + r.getLocalName() + "; refused", r.getLocation());
                default -> {
                }
            }
        }
        if (dropped > 0) {
            sb.append("\n[... ").append(dropped).append(" more characters not kept]");
        }
        return sb.toString();
    }

    private static String attr(XMLStreamReader r, String name) {
        String v = r.getAttributeValue(null, name);
        return v == null ? "" : v;
    }

    static double seconds(String time) {
        if (time.isBlank()) {
            return 0;
        }
        try {
            // Old Surefire versions format with the locale's grouping separator ("1,234.5").
            double v = Double.parseDouble(time.replace(",", "").strip());
            return Double.isFinite(v) && v >= 0 ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }

    private static String bound(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "\n[... " + (s.length() - max) + " more characters not kept]";
    }

    /** A name bounded to {@link #MAX_NAME_CHARS}, the cut marked with an ellipsis. */
    private static String clip(String name) {
        return name.length() <= MAX_NAME_CHARS ? name : name.substring(0, MAX_NAME_CHARS) + "\u2026";
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
