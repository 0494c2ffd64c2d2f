package org.example.textkit;

import org.apache.commons.lang3.StringUtils;

/** Abbreviates and pads text for fixed-width columns. */
public final class Wrap {

    private Wrap() {
    }

    public static String column(String text, int width) {
        return StringUtils.rightPad(StringUtils.abbreviate(StringUtils.defaultString(text), Math.max(4, width)), width);
    }
}
