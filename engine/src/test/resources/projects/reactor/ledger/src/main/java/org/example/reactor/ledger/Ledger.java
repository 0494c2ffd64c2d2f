package org.example.reactor.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.example.reactor.money.Money;

/** Bookings in one currency, balanced per account. */
public final class Ledger {

    private final String currency;
    private final List<Entry> entries = new ArrayList<>();

    public Ledger(String currency) {
        this.currency = currency;
    }

    public Ledger book(String account, Money amount, String text) {
        if (!amount.currency().equals(currency)) {
            throw new IllegalArgumentException("this ledger books " + currency + ", not " + amount.currency());
        }
        entries.add(new Entry(account, amount, text));
        return this;
    }

    /** Moves {@code amount} from one account to another: two entries that sum to zero. */
    public Ledger transfer(String from, String to, Money amount, String text) {
        if (from.equals(to)) {
            throw new IllegalArgumentException("a transfer needs two accounts");
        }
        book(from, Money.of(-amount.cents(), amount.currency()), text);
        return book(to, amount, text);
    }

    public Money balance(String account) {
        Money sum = Money.of(0, currency);
        for (Entry e : entries) {
            if (e.account().equals(account)) {
                sum = sum.plus(e.amount());
            }
        }
        return sum;
    }

    public Map<String, Money> balances() {
        Map<String, Money> all = new LinkedHashMap<>();
        for (Entry e : entries) {
            all.merge(e.account(), e.amount(), Money::plus);
        }
        return all;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public String currency() {
        return currency;
    }
}
