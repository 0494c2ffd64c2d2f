package org.bench.work;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/** Shortest paths on a random grid with weighted edges. */
public final class Graphs {
    private Graphs() {
    }

    /** Edge weights of a side x side grid: right[i] and down[i] from node i (0 where there is no edge). */
    public record Grid(int side, int[] right, int[] down) {
        public static Grid random(int side, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            int[] right = new int[side * side];
            int[] down = new int[side * side];
            for (int i = 0; i < side * side; i++) {
                right[i] = (i % side) == side - 1 ? 0 : 1 + random.nextInt(100);
                down[i] = i / side == side - 1 ? 0 : 1 + random.nextInt(100);
            }
            return new Grid(side, right, down);
        }
    }

    public static long[] dijkstra(Grid g, int source) {
        int n = g.side() * g.side();
        long[] dist = new long[n];
        Arrays.fill(dist, Long.MAX_VALUE);
        dist[source] = 0;
        PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
        queue.add(new long[] {0, source});
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int u = (int) top[1];
            if (top[0] > dist[u]) {
                continue;
            }
            for (int[] edge : edges(g, u)) {
                long d = dist[u] + edge[1];
                if (d < dist[edge[0]]) {
                    dist[edge[0]] = d;
                    queue.add(new long[] {d, edge[0]});
                }
            }
        }
        return dist;
    }

    /** True when no edge can shorten a distance: the distances are shortest. */
    public static boolean isShortest(Grid g, long[] dist) {
        for (int u = 0; u < dist.length; u++) {
            for (int[] edge : edges(g, u)) {
                if (dist[u] != Long.MAX_VALUE && dist[u] + edge[1] < dist[edge[0]]) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int[][] edges(Grid g, int u) {
        int s = g.side();
        int[][] out = new int[4][];
        int k = 0;
        if (g.right()[u] > 0) {
            out[k++] = new int[] {u + 1, g.right()[u]};
        }
        if (u % s > 0) {
            out[k++] = new int[] {u - 1, g.right()[u - 1]};
        }
        if (g.down()[u] > 0) {
            out[k++] = new int[] {u + s, g.down()[u]};
        }
        if (u >= s) {
            out[k++] = new int[] {u - s, g.down()[u - s]};
        }
        return Arrays.copyOf(out, k);
    }
}
