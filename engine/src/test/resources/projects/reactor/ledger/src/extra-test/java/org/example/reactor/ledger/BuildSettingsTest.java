package org.example.reactor.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * In a source folder the build adds (build-helper), and reading what the parent POM's plugins set: a property set
 * in {@code initialize}, and one from Surefire's argLine after JaCoCo's {@code @{argLine}}.
 */
class BuildSettingsTest {

    @Test
    void propertySetInInitializeReachesTheTests() {
        assertEquals("flavour-ledger", System.getProperty("reactor.build.flavour"));
    }

    @Test
    void argLineOfTheParentReachesTheTests() {
        assertEquals("from-parent", System.getProperty("reactor.argline"));
    }

    @Test
    void modeIsTheBuildsOwn() {
        // lenient, unless the build arguments select the profile strict (-Pstrict)
        assertEquals(System.getProperty("expected.mode", "lenient"), System.getProperty("reactor.mode"));
    }
}
