package org.example.reactor.money;

import java.util.Objects;

/** An amount in minor units (cents) of one currency. Immutable. */
public final class Money implements Comparable<Money> {

    private final long cents;
    private final String currency;

    private Money(long cents, String currency) {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency must be three capital letters: " + currency);
        }
        this.cents = cents;
        this.currency = currency;
    }

    public static Money of(long cents, String currency) {
        return new Money(cents, currency);
    }

    /** Parses {@code "12.34 EUR"} or {@code "-0.5 USD"}. */
    public static Money parse(String text) {
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected '<amount> <currency>': " + text);
        }
        String amount = parts[0];
        boolean negative = amount.startsWith("-");
        if (negative) {
            amount = amount.substring(1);
        }
        int dot = amount.indexOf('.');
        long units;
        long fraction = 0;
        if (dot < 0) {
            units = Long.parseLong(amount);
        } else {
            units = dot == 0 ? 0 : Long.parseLong(amount.substring(0, dot));
            String f = amount.substring(dot + 1);
            if (f.length() > 2) {
                throw new IllegalArgumentException("at most two decimals: " + text);
            }
            fraction = f.isEmpty() ? 0 : Long.parseLong(f.length() == 1 ? f + "0" : f);
        }
        long cents = units * 100 + fraction;
        return of(negative ? -cents : cents, parts[1]);
    }

    public long cents() {
        return cents;
    }

    public String currency() {
        return currency;
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return of(Math.addExact(cents, other.cents), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return of(Math.subtractExact(cents, other.cents), currency);
    }

    /** Multiplies, rounding half away from zero. */
    public Money times(double factor) {
        return of(Math.round(cents * factor), currency);
    }

    public boolean isNegative() {
        return cents < 0;
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot mix " + currency + " and " + other.currency);
        }
    }

    @Override
    public int compareTo(Money o) {
        requireSameCurrency(o);
        return Long.compare(cents, o.cents);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Money m && m.cents == cents && m.currency.equals(currency);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cents, currency);
    }

    @Override
    public String toString() {
        long abs = Math.abs(cents);
        return (cents < 0 ? "-" : "") + abs / 100 + "." + String.format("%02d", abs % 100) + " " + currency;
    }
}
