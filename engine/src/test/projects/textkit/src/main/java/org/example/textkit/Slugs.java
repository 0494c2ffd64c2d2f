package org.example.textkit;

import org.apache.commons.lang3.StringUtils;

/** Turns titles into URL slugs. */
public final class Slugs {

    private Slugs() {
    }

    public static String slug(String title) {
        String plain = StringUtils.stripAccents(StringUtils.defaultString(title)).toLowerCase();
        return StringUtils.strip(plain.replaceAll("[^a-z0-9]+", "-"), "-");
    }
}
