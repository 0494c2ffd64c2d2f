package io.jenkins.plugins.selftest.steps;

/** This plugin's version, from the plugin jar's manifest. */
final class PluginVersion {

    private PluginVersion() {
    }

    static String get() {
        String v = PluginVersion.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
