package org.example.textkit;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class RoundTripTest {

    @Test
    public void slugOfAColumnIsTheSlugOfItsText() {
        assertEquals("short", Slugs.slug(Wrap.column("Short", 10)));
    }
}
