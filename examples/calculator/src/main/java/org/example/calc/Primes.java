package org.example.calc;

import java.util.ArrayList;
import java.util.List;

/** Primes by trial division: simple and slow on purpose. */
public final class Primes {

    private Primes() {
    }

    public static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        for (long d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    public static List<Long> upTo(long limit) {
        List<Long> out = new ArrayList<>();
        for (long n = 2; n <= limit; n++) {
            if (isPrime(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
