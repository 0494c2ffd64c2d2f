package org.example.reactor.ledger;

import org.example.reactor.money.Money;

/** One booking: an account, an amount (negative for a debit) and a text. */
public record Entry(String account, Money amount, String text) {

    public Entry {
        if (account == null || account.isBlank()) {
            throw new IllegalArgumentException("an entry needs an account");
        }
        text = text == null ? "" : text.strip();
    }

    public boolean isDebit() {
        return amount.isNegative();
    }
}
