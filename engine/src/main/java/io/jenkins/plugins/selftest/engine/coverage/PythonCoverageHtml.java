package io.jenkins.plugins.selftest.engine.coverage;

import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The HTML report of a combined Python coverage: {@code index.html} with one row per source file (statements, missing,
 * branches, partial, percentages) and one page per file with its source, executed lines green, missing red, lines with
 * a branch not taken yellow and the missed destinations named. Everything from a build is escaped; sources are read
 * only inside the workspace, at most {@value #MAX_SOURCE_BYTES} bytes each and {@value #MAX_PAGES} pages, the rest
 * named in a warning.
 */
final class PythonCoverageHtml {

    static final long MAX_SOURCE_BYTES = 2L * 1024 * 1024;
    static final int MAX_PAGES = 5_000;

    private static final String STYLE = "<meta name=\"color-scheme\" content=\"light dark\">\n<style>"
            + "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
            + "td,th{padding:.2em .7em;border-bottom:1px solid #8884;text-align:left}td.n,th.n{text-align:right}"
            + "pre{margin:0}.src td{border:0;padding:0 .6em;font-family:monospace;white-space:pre}"
            + ".run{background:#2ecc7133}.mis{background:#e74c3c40}.par{background:#f1c40f55}"
            + ".ln{color:#888;text-align:right;user-select:none}.why{color:#888;font-style:italic}</style>";

    private PythonCoverageHtml() {
    }

    static void write(Map<String, PythonCoverage.FileData> files, Map<String, String> modules, Path workspace, Path dir,
                      List<String> warnings) throws IOException {
        Files.createDirectories(dir);
        Path ws = workspace.toAbsolutePath().normalize();
        StringBuilder index = new StringBuilder(2048 + 256 * files.size());
        index.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Python coverage</title>\n")
                .append(STYLE).append("</head><body>\n<h1>Python coverage</h1>\n");
        Counter lines = Counter.EMPTY;
        Counter branches = Counter.EMPTY;
        for (PythonCoverage.FileData d : files.values()) {
            lines = lines.plus(d.lines());
            branches = branches.plus(d.branchCounter());
        }
        index.append("<p>Lines ").append(percent(lines)).append(" (").append(lines.covered()).append(" of ")
                .append(lines.total()).append(" statements), branches ").append(percent(branches)).append(" (")
                .append(branches.covered()).append(" of ").append(branches.total()).append(").</p>\n")
                .append("<table><thead><tr><th>File</th><th>Module</th><th class=\"n\">Statements</th>")
                .append("<th class=\"n\">Missing</th><th class=\"n\">Branches</th><th class=\"n\">Partial</th>")
                .append("<th class=\"n\">Lines</th><th class=\"n\">Branches</th></tr></thead><tbody>\n");
        int page = 0;
        int skipped = 0;
        for (var e : new TreeMap<>(files).entrySet()) {
            PythonCoverage.FileData d = e.getValue();
            String link = null;
            if (page < MAX_PAGES) {
                String name = "f" + page + ".html";
                if (writeSource(e.getKey(), d, ws, dir.resolve(name), warnings)) {
                    link = name;
                    page++;
                }
            } else {
                skipped++;
            }
            String file = escape(e.getKey());
            index.append("<tr><td>").append(link == null ? file : "<a href=\"" + link + "\">" + file + "</a>")
                    .append("</td><td><code>").append(escape(modules.getOrDefault(e.getKey(), ""))).append("</code></td>")
                    .append("<td class=\"n\">").append(d.statements()).append("</td><td class=\"n\">")
                    .append(d.lines().missed()).append("</td><td class=\"n\">").append(d.branches())
                    .append("</td><td class=\"n\">").append(d.partialLines().size()).append("</td><td class=\"n\">")
                    .append(percent(d.lines())).append("</td><td class=\"n\">").append(percent(d.branchCounter()))
                    .append("</td></tr>\n");
        }
        index.append("</tbody></table>\n</body></html>\n");
        if (skipped > 0) {
            warnings.add("Python coverage report: source pages for the first " + MAX_PAGES + " files only, " + skipped
                    + " more listed without one");
        }
        Files.writeString(dir.resolve("index.html"), index, StandardCharsets.UTF_8);
    }

    private static boolean writeSource(String relative, PythonCoverage.FileData d, Path ws, Path page,
                                       List<String> warnings) throws IOException {
        Path source;
        try {
            source = WorkspaceFiles.inside(ws, relative);
        } catch (IllegalArgumentException e) {
            warnings.add("Python coverage report: " + e.getMessage() + " - its source is not shown");
            return false;
        }
        if (!Files.isRegularFile(source) || Files.size(source) > MAX_SOURCE_BYTES
                || !source.toRealPath().startsWith(ws.toRealPath())) {
            return false;
        }
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(source))).toString();
        Set<Integer> missing = d.missing();
        Set<Integer> partial = d.partialLines();
        Map<Integer, StringBuilder> missedTargets = new TreeMap<>();
        for (PythonCoverage.Arc a : d.missingArcs()) {
            StringBuilder targets = missedTargets.computeIfAbsent(a.from(), k -> new StringBuilder());
            targets.append(targets.isEmpty() ? "" : ", ").append(a.to() < 0 ? "exit" : "line " + a.to());
        }
        StringBuilder sb = new StringBuilder(text.length() * 2 + 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(relative))
                .append("</title>\n").append(STYLE).append("</head><body>\n<p><a href=\"index.html\">All files</a></p>\n")
                .append("<h1>").append(escape(relative)).append("</h1>\n<p>Lines ").append(percent(d.lines()))
                .append(", branches ").append(percent(d.branchCounter())).append("</p>\n<table class=\"src\"><tbody>\n");
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String cls = partial.contains(n) ? "par" : missing.contains(n) ? "mis" : d.executed().contains(n) ? "run" : "";
            sb.append("<tr").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append(" id=\"l").append(n)
                    .append("\"><td class=\"ln\">").append(n).append("</td><td>").append(escape(lines[i]))
                    .append("</td><td class=\"why\">");
            if (partial.contains(n) || (missing.contains(n) && missedTargets.containsKey(n))) {
                sb.append(partial.contains(n) ? "never jumped to " : "branches to ").append(missedTargets.get(n));
            }
            sb.append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n</body></html>\n");
        Files.writeString(page, sb, StandardCharsets.UTF_8);
        return true;
    }

    private static String percent(Counter c) {
        return c.total() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100.0 * c.ratio());
    }

    private static String escape(String s) {
        return HtmlText.escape(s);
    }
}
