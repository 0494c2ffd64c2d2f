package org.example.reactor.money.rates;

import java.util.HashMap;
import java.util.Map;
import org.example.reactor.money.Money;

/** Conversion rates between currencies, with the inverse rate derived when only one direction is known. */
public final class ExchangeRates {

    private final Map<String, Double> rates = new HashMap<>();

    public ExchangeRates with(String from, String to, double rate) {
        if (rate <= 0) {
            throw new IllegalArgumentException("a rate must be positive: " + rate);
        }
        rates.put(from + "/" + to, rate);
        return this;
    }

    public Money convert(Money money, String to) {
        if (money.currency().equals(to)) {
            return money;
        }
        Double direct = rates.get(money.currency() + "/" + to);
        if (direct != null) {
            return Money.of(Math.round(money.cents() * direct), to);
        }
        Double inverse = rates.get(to + "/" + money.currency());
        if (inverse != null) {
            return Money.of(Math.round(money.cents() / inverse), to);
        }
        throw new IllegalArgumentException("no rate from " + money.currency() + " to " + to);
    }
}
