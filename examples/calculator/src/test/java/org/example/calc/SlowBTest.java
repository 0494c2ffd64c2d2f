package org.example.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A slow suite (sleeps stand in for I/O), so that two shards give a real speed-up. */
class SlowBTest {

    private static void slowIo() throws InterruptedException {
        String env = System.getenv("EXAMPLE_SLEEP_MS");
        Thread.sleep(Long.getLong("example.sleep.ms", env == null ? 4000 : Long.parseLong(env)));
    }

    @Test
    void slowCheck1() throws InterruptedException {
        slowIo();
        assertEquals(new Fraction(1, 2), new Fraction(2, 4));
    }

    @Test
    void slowCheck2() throws InterruptedException {
        slowIo();
        assertEquals(new Fraction(2, 3), new Fraction(4, 6));
    }

    @Test
    void slowCheck3() throws InterruptedException {
        slowIo();
        assertEquals(new Fraction(3, 4), new Fraction(6, 8));
    }

}
