package org.example.textkit;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class WrapTest {

    @Test
    public void padsShortText() {
        assertEquals("abc   ", Wrap.column("abc", 6));
    }

    @Test
    public void abbreviatesLongText() {
        assertEquals("abcd...", Wrap.column("abcdefghij", 7));
    }
}
