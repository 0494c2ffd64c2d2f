package org.example.reactor.money.testing;

import org.example.reactor.money.Money;

/** Amounts the tests of several modules share (money's test-jar). */
public final class MoneyFixtures {

    private MoneyFixtures() {
    }

    public static Money euros(long units) {
        return Money.of(units * 100, "EUR");
    }

    public static Money cents(long cents) {
        return Money.of(cents, "EUR");
    }
}
