package org.example.reactor.report;

import org.example.reactor.ledger.Entry;
import org.example.reactor.ledger.Ledger;

/** Entries as CSV; no test uses it (an orphan). */
public final class CsvExport {

    private CsvExport() {
    }

    public static String csv(Ledger ledger) {
        StringBuilder out = new StringBuilder("account,amount,text\n");
        for (Entry e : ledger.entries()) {
            out.append(e.account()).append(',').append(e.amount()).append(',')
                    .append(e.text().contains(",") ? '"' + e.text() + '"' : e.text()).append('\n');
        }
        return out.toString();
    }
}
