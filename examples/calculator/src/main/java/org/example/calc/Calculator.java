package org.example.calc;

/** Arithmetic on longs, with results formatted by {@link Formatter}. */
public final class Calculator {

    public long add(long a, long b) {
        return Math.addExact(a, b);
    }

    public long subtract(long a, long b) {
        return Math.subtractExact(a, b);
    }

    public long multiply(long a, long b) {
        return Math.multiplyExact(a, b);
    }

    public long divide(long a, long b) {
        if (b == 0) {
            throw new ArithmeticException("division by zero");
        }
        return a / b;
    }

    public long power(long base, int exponent) {
        if (exponent < 0) {
            throw new IllegalArgumentException("negative exponent " + exponent);
        }
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result = multiply(result, base);
        }
        return result;
    }

    /** "a op b = result", through Formatter (which no test names: an orphan covered indirectly). */
    public String describe(long a, char op, long b) {
        long r = switch (op) {
            case '+' -> add(a, b);
            case '-' -> subtract(a, b);
            case '*' -> multiply(a, b);
            case '/' -> divide(a, b);
            default -> throw new IllegalArgumentException("unknown operator " + op);
        };
        return Formatter.equation(a, op, b, r);
    }
}
