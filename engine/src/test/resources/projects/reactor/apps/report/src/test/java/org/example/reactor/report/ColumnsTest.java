package org.example.reactor.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.example.reactor.report.text.Columns;
import org.junit.jupiter.api.Test;

class ColumnsTest {

    @Test
    void padsShortNames() {
        assertEquals("ab" + " ".repeat(19) + "x", Columns.row("ab", "x", 2));
    }

    @Test
    void cutsLongValues() {
        assertEquals("name  " + " " + "123456789012345~", Columns.row("name", "12345678901234567890", 6));
    }
}
