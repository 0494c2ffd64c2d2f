package org.example.reactor.report;

import java.util.Map;
import java.util.TreeMap;
import org.example.reactor.ledger.Ledger;
import org.example.reactor.money.Money;
import org.example.reactor.report.text.Columns;

/** A ledger's balances as a text table, accounts sorted, with a total line. */
public final class BalanceReport {

    private BalanceReport() {
    }

    public static String render(Ledger ledger) {
        Map<String, Money> sorted = new TreeMap<>(ledger.balances());
        StringBuilder out = new StringBuilder();
        Money total = Money.of(0, ledger.currency());
        int width = sorted.keySet().stream().mapToInt(String::length).max().orElse(5);
        for (Map.Entry<String, Money> e : sorted.entrySet()) {
            out.append(Columns.row(e.getKey(), e.getValue().toString(), width)).append('\n');
            total = total.plus(e.getValue());
        }
        out.append(Columns.row("total", total.toString(), width));
        return out.toString();
    }
}
