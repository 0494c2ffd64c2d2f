package org.bench.work;

/** A helper no test reaches: the suite's orphan. */
public final class Unreferenced {
    private Unreferenced() {
    }

    public static int fold(int[] values) {
        int acc = 17;
        for (int v : values) {
            acc = acc * 31 + v;
        }
        return acc;
    }
}
