package org.example.textkit;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class SlugsTest {

    @Test
    public void lowersAndJoinsWords() {
        assertEquals("hello-world", Slugs.slug("Hello, World!"));
    }

    @Test
    public void dropsAccents() {
        assertEquals("creme-brulee", Slugs.slug("Cr\u00e8me br\u00fbl\u00e9e"));
    }

    @Test
    public void nullIsEmpty() {
        assertEquals("", Slugs.slug(null));
    }
}
