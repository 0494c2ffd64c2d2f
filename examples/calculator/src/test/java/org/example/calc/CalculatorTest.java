package org.example.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalculatorTest {

    private final Calculator calc = new Calculator();

    @Test
    void addsNumbers() {
        assertEquals(5, calc.add(2, 3));
    }

    @Test
    void subtractsNumbers() {
        assertEquals(-1, calc.subtract(2, 3));
    }

    @Test
    void multipliesNumbers() {
        assertEquals(6, calc.multiply(2, 3));
    }

    @Test
    void dividesRoundingTowardsZero() {
        assertEquals(-2, calc.divide(-7, 3));
    }

    @Test
    void refusesDivisionByZero() {
        assertThrows(ArithmeticException.class, () -> calc.divide(1, 0));
    }

    @Test
    void detectsOverflow() {
        assertThrows(ArithmeticException.class, () -> calc.multiply(Long.MAX_VALUE, 2));
    }

    @ParameterizedTest
    @CsvSource({"2, 0, 1", "2, 10, 1024", "-3, 3, -27"})
    void raisesToPowers(long base, int exp, long expected) {
        assertEquals(expected, calc.power(base, exp));
    }

    @Test
    void describesAnEquation() {
        assertEquals("6 / 3 = 2", calc.describe(6, '/', 3));
    }
}
