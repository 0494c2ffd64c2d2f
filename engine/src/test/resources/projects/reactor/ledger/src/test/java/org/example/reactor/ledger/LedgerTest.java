package org.example.reactor.ledger;

import static org.example.reactor.money.testing.MoneyFixtures.cents;
import static org.example.reactor.money.testing.MoneyFixtures.euros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.example.reactor.money.Money;
import org.junit.jupiter.api.Test;

class LedgerTest {

    @Test
    void transfersBalanceToZero() {
        Ledger l = new Ledger("EUR").transfer("bank", "alice", euros(40), "salary").transfer("alice", "bob", cents(1250), "lunch");
        assertEquals(euros(-40), l.balance("bank"));
        assertEquals(cents(2750), l.balance("alice"));
        assertEquals(cents(1250), l.balance("bob"));
        assertEquals(3, l.balances().size());
        assertEquals(4, l.entries().size());
    }

    @Test
    void refusesAnotherCurrencyAndSelfTransfers() {
        Ledger l = new Ledger("EUR");
        assertThrows(IllegalArgumentException.class, () -> l.book("a", Money.of(1, "USD"), "x"));
        assertThrows(IllegalArgumentException.class, () -> l.transfer("a", "a", euros(1), "x"));
        assertThrows(IllegalArgumentException.class, () -> l.book(" ", euros(1), "x"));
    }

    @Test
    void largeLedgerBalancesQuickly() throws Exception {
        Ledger l = new Ledger("EUR");
        for (int i = 0; i < 2000; i++) {
            l.transfer("bank", "acct" + (i % 7), cents(i), "t" + i);
        }
        Thread.sleep(1200); // the slow one of the module: it shapes the shard plan
        long sum = l.balances().values().stream().mapToLong(Money::cents).sum();
        assertEquals(0, sum);
    }
}
