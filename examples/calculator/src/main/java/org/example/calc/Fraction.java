package org.example.calc;

/** An exact fraction, always reduced, denominator positive. */
public record Fraction(long numerator, long denominator) {

    public Fraction {
        if (denominator == 0) {
            throw new ArithmeticException("denominator is zero");
        }
        long g = gcd(Math.abs(numerator), Math.abs(denominator));
        long sign = denominator < 0 ? -1 : 1;
        numerator = sign * numerator / g;
        denominator = sign * denominator / g;
    }

    public Fraction plus(Fraction o) {
        return new Fraction(numerator * o.denominator + o.numerator * denominator, denominator * o.denominator);
    }

    public Fraction times(Fraction o) {
        return new Fraction(numerator * o.numerator, denominator * o.denominator);
    }

    public Fraction reciprocal() {
        return new Fraction(denominator, numerator);
    }

    public double toDouble() {
        return (double) numerator / denominator;
    }

    static long gcd(long a, long b) {
        return b == 0 ? Math.max(a, 1) : gcd(b, a % b);
    }

    @Override
    public String toString() {
        return denominator == 1 ? Long.toString(numerator) : numerator + "/" + denominator;
    }
}
