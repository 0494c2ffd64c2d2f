package org.bench.work;

import java.util.SplittableRandom;

/** Dense matrix products, checked with Freivalds' method. */
public final class Matrices {
    private Matrices() {
    }

    public static double[][] random(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] m = new double[n][n];
        for (double[] row : m) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextDouble() - 0.5;
            }
        }
        return m;
    }

    public static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i][k];
                for (int j = 0; j < n; j++) {
                    c[i][j] += aik * b[k][j];
                }
            }
        }
        return c;
    }

    public static double[] times(double[][] m, double[] v) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += m[i][j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }

    /** True when c = a b, checked on a random vector. */
    public static boolean isProduct(double[][] a, double[][] b, double[][] c, long seed) {
        double[] x = new double[a.length];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
        }
        double[] left = times(c, x);
        double[] right = times(a, times(b, x));
        for (int i = 0; i < left.length; i++) {
            if (Math.abs(left[i] - right[i]) > 1e-6 * (1 + Math.abs(right[i]))) {
                return false;
            }
        }
        return true;
    }
}
