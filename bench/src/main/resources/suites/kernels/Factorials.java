package org.bench.work;

import java.math.BigInteger;

/** n! by a product tree and by a plain loop. */
public final class Factorials {
    private Factorials() {
    }

    public static BigInteger byLoop(int n) {
        BigInteger f = BigInteger.ONE;
        for (int i = 2; i <= n; i++) {
            f = f.multiply(BigInteger.valueOf(i));
        }
        return f;
    }

    public static BigInteger byTree(int n) {
        return n < 2 ? BigInteger.ONE : product(2, n);
    }

    private static BigInteger product(int from, int to) {
        if (to - from < 8) {
            BigInteger p = BigInteger.valueOf(from);
            for (int i = from + 1; i <= to; i++) {
                p = p.multiply(BigInteger.valueOf(i));
            }
            return p;
        }
        int mid = (from + to) >>> 1;
        return product(from, mid).multiply(product(mid + 1, to));
    }
}
