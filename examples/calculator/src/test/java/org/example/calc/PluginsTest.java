package org.example.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PluginsTest {

    @Test
    void loadsAnOperatorByName() {
        assertEquals(42, Plugins.load("Doubling" + "Plugin").applyAsLong(21));
    }

    @Test
    void unknownPluginIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Plugins.load("Nope"));
    }
}
