package org.example.reactor.money.rates;

/** Reads rates from lines {@code EUR/USD 1.08}; no test uses it (an orphan). */
public final class RateFeed {

    private RateFeed() {
    }

    public static ExchangeRates parse(String text) {
        ExchangeRates rates = new ExchangeRates();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            String[] pair = parts[0].split("/");
            rates.with(pair[0], pair[1], Double.parseDouble(parts[1]));
        }
        return rates;
    }
}
