package org.example.calc;

/** Text forms of results. Only {@link Calculator} uses it; no test refers to it. */
final class Formatter {

    private Formatter() {
    }

    static String equation(long a, char op, long b, long result) {
        return a + " " + op + " " + b + " = " + result;
    }
}
