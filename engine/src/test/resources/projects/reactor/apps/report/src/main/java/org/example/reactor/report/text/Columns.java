package org.example.reactor.report.text;

/** Two columns: a name padded to a width, and a value right-aligned after it. */
public final class Columns {

    private Columns() {
    }

    public static String row(String name, String value, int width) {
        StringBuilder b = new StringBuilder(name);
        while (b.length() < Math.max(width, 5)) {
            b.append(' ');
        }
        String v = value.length() > 16 ? value.substring(0, 15) + "~" : value;
        return b.append(" ".repeat(Math.max(1, 17 - v.length()))).append(v).toString();
    }
}
