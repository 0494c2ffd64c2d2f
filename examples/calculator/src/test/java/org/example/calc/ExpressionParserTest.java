package org.example.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionParserTest {

    private final ExpressionParser parser = new ExpressionParser();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1+2|3", "2*3+4|10", "2*(3+4)|14", "10/3|3", "-4+1|-3", "((7))|7"})
    void evaluates(String expression, long expected) {
        assertEquals(expected, parser.evaluate(expression));
    }

    @Test
    void rejectsAMissingParenthesis() {
        assertThrows(IllegalArgumentException.class, () -> parser.evaluate("(1+2"));
    }

    @Test
    void rejectsTrailingText() {
        assertThrows(IllegalArgumentException.class, () -> parser.evaluate("1+2x"));
    }

    /** The optional failing test: fails only with -Dexample.fail=true or EXAMPLE_FAIL=true. */
    @Test
    void failsOnlyWhenAskedTo() {
        boolean fail = Boolean.getBoolean("example.fail") || "true".equalsIgnoreCase(System.getenv("EXAMPLE_FAIL"));
        assertEquals(fail ? 5 : 4, parser.evaluate("2+2"), "example.fail is set: this failure is on purpose");
    }
}
