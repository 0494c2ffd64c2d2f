package io.jenkins.plugins.selftest.engine.orphans;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of Python imports: {@code import a.b [as c], d}, {@code from a.b import c [as d], e},
 * {@code from . import x}, {@code from ..m import y}, {@code from m import *} and parenthesised or backslash-continued
 * multi-line forms, at any indentation (imports inside functions count). Comments, strings and docstrings are skipped,
 * so an {@code import} inside them is none. A text scan, not a parser: code that does not compile still gives its
 * imports. Bounded by {@value #MAX_CHARS} characters; stateless and thread-safe.
 */
public final class PythonImports {

    /** Source longer than this is read up to here only. */
    public static final int MAX_CHARS = 4_000_000;

    private static final Pattern IMPORT = Pattern.compile("import\\s+(.+)", Pattern.UNICODE_CHARACTER_CLASS | Pattern.DOTALL);
    private static final Pattern FROM = Pattern.compile("from\\s*(\\.*)\\s*([\\w.]*)\\s+import\\s*(.+)",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.DOTALL);
    private static final Pattern DOTTED = Pattern.compile("[\\w]+(?:\\s*\\.\\s*[\\w]+)*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern AS = Pattern.compile("\\s+as\\s+\\w+$", Pattern.UNICODE_CHARACTER_CLASS);

    /**
     * One import statement's target.
     *
     * @param level  leading dots of a relative import (0: absolute)
     * @param module the dotted module after the dots ("" for {@code from . import x})
     * @param names  the names a {@code from} import takes (empty for {@code import m} and {@code *})
     */
    public record Import(int level, String module, List<String> names) {
        public Import {
            Objects.requireNonNull(module, "module");
            names = List.copyOf(names);
        }
    }

    private PythonImports() {
    }

    public static List<Import> read(String source) {
        List<Import> imports = new ArrayList<>();
        for (String line : logicalLines(source.length() > MAX_CHARS ? source.substring(0, MAX_CHARS) : source)) {
            for (String statement : line.split(";")) {
                statement(statement.strip(), imports);
            }
        }
        return imports;
    }

    private static void statement(String s, List<Import> imports) {
        Matcher m = IMPORT.matcher(s);
        if (m.matches()) {
            for (String part : m.group(1).split(",")) {
                String name = AS.matcher(part.strip()).replaceAll("").strip();
                if (DOTTED.matcher(name).matches()) {
                    imports.add(new Import(0, name.replaceAll("\\s+", ""), List.of()));
                }
            }
            return;
        }
        m = FROM.matcher(s);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return;
        }
        String module = m.group(2);
        if (!module.isEmpty() && !DOTTED.matcher(module).matches()) {
            return;
        }
        String what = m.group(3).strip();
        if (what.startsWith("(")) {
            what = what.substring(1, what.endsWith(")") ? what.length() - 1 : what.length());
        }
        List<String> names = new ArrayList<>();
        for (String part : what.split(",")) {
            String name = AS.matcher(part.strip()).replaceAll("").strip();
            if (!name.equals("*") && name.matches("(?U)\\w+")) {
                names.add(name);
            }
        }
        imports.add(new Import(m.group(1).length(), module, names));
    }

    /**
     * The source's logical lines (physical lines joined inside brackets and after a backslash), with comments dropped
     * and every string literal replaced by {@code ""}.
     */
    static List<String> logicalLines(String src) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int depth = 0;
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '#') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"' || c == '\'') {
                boolean triple = i + 2 < n && src.charAt(i + 1) == c && src.charAt(i + 2) == c;
                i += triple ? 3 : 1;
                while (i < n) {
                    char d = src.charAt(i);
                    if (d == '\\') {
                        i += 2;
                    } else if (!triple && d == '\n') {
                        break; // an unterminated one-line string ends with its line
                    } else if (d == c && (!triple || (i + 2 < n && src.charAt(i + 1) == c && src.charAt(i + 2) == c))) {
                        i += triple ? 3 : 1;
                        break;
                    } else {
                        i++;
                    }
                }
                line.append("\"\"");
            } else if (c == '\\' && i + 1 < n && src.charAt(i + 1) == '\n') {
                line.append(' ');
                i += 2;
            } else if (c == '\n') {
                if (depth > 0) {
                    line.append(' ');
                } else {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                i++;
            } else {
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                    depth--;
                }
                line.append(c);
                i++;
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
