package org.bench.work;

import java.util.SplittableRandom;

/** Merge sort of random integers; the sum and order are checked, the sum returned. */
public final class Sorting {
    private Sorting() {
    }

    /** The sum of the values {@link #sortAndSum} sorts, without sorting them. */
    public static long sumOf(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += random.nextInt();
        }
        return sum;
    }

    public static long sortAndSum(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] values = new int[n];
        long before = 0;
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt();
            before += values[i];
        }
        int[] sorted = mergeSort(values, new int[n], 0, n);
        long after = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0 && sorted[i - 1] > sorted[i]) {
                throw new IllegalStateException("not sorted at " + i);
            }
            after += sorted[i];
        }
        if (after != before) {
            throw new IllegalStateException("lost values");
        }
        return after;
    }

    private static int[] mergeSort(int[] a, int[] tmp, int from, int to) {
        if (to - from < 24) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && a[j] > v) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return a;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid);
        mergeSort(a, tmp, mid, to);
        int i = from, j = mid, k = from;
        while (i < mid && j < to) {
            tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
        }
        while (i < mid) {
            tmp[k++] = a[i++];
        }
        while (j < to) {
            tmp[k++] = a[j++];
        }
        System.arraycopy(tmp, from, a, from, to - from);
        return a;
    }
}
