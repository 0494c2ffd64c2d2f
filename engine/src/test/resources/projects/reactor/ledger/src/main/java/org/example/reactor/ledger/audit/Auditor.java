package org.example.reactor.ledger.audit;

import java.util.ArrayList;
import java.util.List;
import org.example.reactor.ledger.Entry;
import org.example.reactor.ledger.Ledger;
import org.example.reactor.money.Money;

/** Findings on a ledger: overdrawn accounts, large entries, entries without a text. */
public final class Auditor {

    private final Money largeEntry;

    public Auditor(Money largeEntry) {
        this.largeEntry = largeEntry;
    }

    public List<String> audit(Ledger ledger) {
        List<String> findings = new ArrayList<>();
        ledger.balances().forEach((account, balance) -> {
            if (balance.isNegative() && !account.startsWith("bank")) {
                findings.add("overdrawn: " + account + " " + balance);
            }
        });
        for (Entry e : ledger.entries()) {
            Money abs = e.isDebit() ? Money.of(-e.amount().cents(), e.amount().currency()) : e.amount();
            if (abs.compareTo(largeEntry) >= 0) {
                findings.add("large: " + e.account() + " " + e.amount());
            }
            if (e.text().isEmpty()) {
                findings.add("no text: " + e.account() + " " + e.amount());
            }
        }
        return findings;
    }

    /** Rounds a share of an amount: half down, which the tests say is a known bug (should be half up). */
    public static Money share(Money amount, int parts) {
        long cents = amount.cents();
        long share = cents / parts;
        long remainder = cents % parts;
        return Money.of(remainder * 2 > parts ? share + 1 : share, amount.currency());
    }
}
