package io.jenkins.plugins.selftest;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * Every user-visible string of the plugin's Java code, from {@code Messages.properties} beside this class (Jelly views
 * have their own {@code .properties}). Jenkins' localizer generates such a class at build time; this hand-written one
 * keeps the build free of tools that are not on Maven Central.
 */
public final class Messages {

    private static final String BUNDLE = "io.jenkins.plugins.selftest.Messages";

    private Messages() {
    }

    /** The message {@code key} with {@code {0}}-style arguments filled in. */
    public static String get(String key, Object... args) {
        String pattern = ResourceBundle.getBundle(BUNDLE, Locale.getDefault(), Messages.class.getClassLoader()).getString(key);
        return args.length == 0 ? pattern : new MessageFormat(pattern, Locale.ROOT).format(args);
    }
}
