package org.example.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A slow suite (sleeps stand in for I/O), so that two shards give a real speed-up. */
class SlowATest {

    private static void slowIo() throws InterruptedException {
        String env = System.getenv("EXAMPLE_SLEEP_MS");
        Thread.sleep(Long.getLong("example.sleep.ms", env == null ? 4000 : Long.parseLong(env)));
    }

    @Test
    void slowCheck1() throws InterruptedException {
        slowIo();
        assertTrue(Primes.isPrime(7919)); assertEquals(25, Primes.upTo(100).size());
    }

    @Test
    void slowCheck2() throws InterruptedException {
        slowIo();
        assertTrue(Primes.isPrime(7919)); assertEquals(25, Primes.upTo(100).size());
    }

    @Test
    void slowCheck3() throws InterruptedException {
        slowIo();
        assertTrue(Primes.isPrime(7919)); assertEquals(25, Primes.upTo(100).size());
    }

}
