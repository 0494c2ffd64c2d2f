package org.example.calc;

import java.util.Arrays;

/** Mean, median, variance of samples. */
public final class Statistics {

    private Statistics() {
    }

    public static double mean(double... xs) {
        requireSamples(xs);
        return Arrays.stream(xs).sum() / xs.length;
    }

    public static double median(double... xs) {
        requireSamples(xs);
        double[] s = xs.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    public static double variance(double... xs) {
        double mu = mean(xs);
        return Arrays.stream(xs).map(x -> (x - mu) * (x - mu)).sum() / xs.length;
    }

    private static void requireSamples(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
    }
}
