package org.example.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void mean() {
        assertEquals(2.5, Statistics.mean(1, 2, 3, 4));
    }

    @Test
    void medianOfOddCount() {
        assertEquals(3, Statistics.median(5, 1, 3));
    }

    @Test
    void medianOfEvenCount() {
        assertEquals(2.5, Statistics.median(4, 1, 3, 2));
    }

    @Test
    void variance() {
        assertEquals(1.25, Statistics.variance(1, 2, 3, 4));
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, Statistics::mean);
    }
}
