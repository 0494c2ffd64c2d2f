package org.example.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FractionTest {

    @Test
    void reducesOnCreation() {
        assertEquals(new Fraction(1, 2), new Fraction(3, 6));
    }

    @Test
    void keepsTheSignInTheNumerator() {
        assertEquals("-1/2", new Fraction(1, -2).toString());
    }

    @Test
    void adds() {
        assertEquals(new Fraction(5, 6), new Fraction(1, 2).plus(new Fraction(1, 3)));
    }

    @Test
    void multiplies() {
        assertEquals(new Fraction(1, 6), new Fraction(1, 2).times(new Fraction(1, 3)));
    }

    @Test
    void invertsAndConverts() {
        assertEquals(0.25, new Fraction(4, 1).reciprocal().toDouble());
    }

    @Test
    void refusesZeroDenominator() {
        assertThrows(ArithmeticException.class, () -> new Fraction(1, 0));
    }
}
