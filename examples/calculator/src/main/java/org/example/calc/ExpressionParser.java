package org.example.calc;

/** Evaluates "+ - * / ( )" expressions over longs by recursive descent. */
public final class ExpressionParser {

    private final Calculator calc = new Calculator();
    private String text;
    private int pos;

    public synchronized long evaluate(String expression) {
        text = expression.replace(" ", "");
        pos = 0;
        long v = sum();
        if (pos != text.length()) {
            throw new IllegalArgumentException("unexpected '" + text.charAt(pos) + "' at " + pos);
        }
        return v;
    }

    private long sum() {
        long v = product();
        while (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
            char op = text.charAt(pos++);
            long r = product();
            v = op == '+' ? calc.add(v, r) : calc.subtract(v, r);
        }
        return v;
    }

    private long product() {
        long v = atom();
        while (pos < text.length() && (text.charAt(pos) == '*' || text.charAt(pos) == '/')) {
            char op = text.charAt(pos++);
            long r = atom();
            v = op == '*' ? calc.multiply(v, r) : calc.divide(v, r);
        }
        return v;
    }

    private long atom() {
        if (pos < text.length() && text.charAt(pos) == '(') {
            pos++;
            long v = sum();
            if (pos >= text.length() || text.charAt(pos) != ')') {
                throw new IllegalArgumentException("missing ')' at " + pos);
            }
            pos++;
            return v;
        }
        int start = pos;
        if (pos < text.length() && text.charAt(pos) == '-') {
            pos++;
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw new IllegalArgumentException("number expected at " + pos);
        }
        return Long.parseLong(text.substring(start, pos));
    }
}
