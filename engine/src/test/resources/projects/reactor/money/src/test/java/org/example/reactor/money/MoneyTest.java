package org.example.reactor.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyTest {

    @ParameterizedTest
    @CsvSource({"12.34 EUR,1234", "-0.5 USD,-50", "7 GBP,700", ".25 EUR,25", "3. EUR,300"})
    void parsesAmounts(String text, long cents) {
        assertEquals(cents, Money.parse(text).cents());
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Money.parse("12"));
        assertThrows(IllegalArgumentException.class, () -> Money.parse("1.234 EUR"));
        assertThrows(IllegalArgumentException.class, () -> Money.of(1, "euro"));
    }

    @Test
    void addsAndSubtractsInOneCurrency() {
        assertEquals(Money.of(350, "EUR"), Money.of(100, "EUR").plus(Money.of(250, "EUR")));
        assertTrue(Money.of(100, "EUR").minus(Money.of(250, "EUR")).isNegative());
        assertThrows(IllegalArgumentException.class, () -> Money.of(1, "EUR").plus(Money.of(1, "USD")));
    }

    @Test
    void printsTwoDecimals() {
        assertEquals("-1.05 EUR", Money.of(-105, "EUR").toString());
        assertEquals("0.07 USD", Money.of(7, "USD").toString());
    }
}
