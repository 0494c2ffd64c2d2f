package org.example.reactor.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.example.reactor.ledger.Ledger;
import org.example.reactor.money.Money;
import org.junit.jupiter.api.Test;

class BalanceReportTest {

    @Test
    void rendersSortedBalancesAndATotal() {
        Ledger l = new Ledger("EUR").transfer("zoe", "adam", Money.of(1050, "EUR"), "books");
        assertEquals(String.join("\n",
                "adam         10.50 EUR",
                "zoe         -10.50 EUR",
                "total         0.00 EUR"), BalanceReport.render(l));
    }

    @Test
    void emptyLedgerHasOnlyTheTotal() throws Exception {
        Thread.sleep(800); // slower than the others
        assertEquals("total         0.00 USD", BalanceReport.render(new Ledger("USD")));
    }

    @Test
    void propertySetInInitializeIsThisModulesOwn() {
        assertEquals("flavour-report", System.getProperty("reactor.build.flavour"));
    }
}
