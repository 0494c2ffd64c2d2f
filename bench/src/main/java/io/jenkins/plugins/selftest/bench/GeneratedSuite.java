package io.jenkins.plugins.selftest.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a realistic Maven project whose test suite does real work, for the selfTest benchmark: the speed evidence
 * must not come from tests that sleep.
 * <ul>
 *   <li>{@link Kind#CPU}: test classes in eight packages driving eight kernels of real computation (merge sort, a
 *       prime sieve, matrix products checked with Freivalds' method, edit distance, SHA-256, factorials by product
 *       tree, Dijkstra on a grid, word counts), each iteration checked by an independent property. The work of a
 *       class is drawn from a Pareto distribution (heavy tail: a few slow classes, many quick ones) with a fixed
 *       seed, so every run generates the same suite.</li>
 *   <li>{@link Kind#IO}: test classes that wait on I/O: each talks over loopback HTTP to a server in its own JVM
 *       that answers after a fixed latency (a slow remote dependency); CPU stays nearly idle, as in integration
 *       tests against a database or a service. (Disk writes with fsync were tried and left out: their time depends
 *       on the machine's disk and its other users far more than on the code.)</li>
 * </ul>
 * Sizes are in "units"; one unit is about 10 ms of one core on the 2-core development machine (calibrated by
 * hand; the benchmark reports the real test time, from the suite's own JUnit reports).
 */
public final class GeneratedSuite {

    /** The kernels a CPU class drives, one package each, and one iteration ("unit") of each. */
    private static final Map<String, String> CPU_UNIT = new LinkedHashMap<>();

    static {
        CPU_UNIT.put("Sorting", "assertEquals(Sorting.sumOf(130_000, seed), Sorting.sortAndSum(130_000, seed));");
        CPU_UNIT.put("Primes", "int n = 2_800_000 + (int) (seed % 1000); int c = Primes.countBelow(n);\n"
                + "            assertTrue(c > n / Math.log(n) && c < 1.26 * n / Math.log(n), \"pi(\" + n + \") = \" + c);");
        CPU_UNIT.put("Matrices", "double[][] a = Matrices.random(240, seed), b = Matrices.random(240, seed + 1);\n"
                + "            assertTrue(Matrices.isProduct(a, b, Matrices.multiply(a, b), seed));");
        CPU_UNIT.put("EditDistance", "String x = EditDistance.randomText(2200, seed), y = EditDistance.randomText(2200, seed + 7);\n"
                + "            int d = EditDistance.distance(x, y);\n"
                + "            assertTrue(d > 0 && d <= 2200, \"distance \" + d);");
        CPU_UNIT.put("Digests", "byte[] data = Digests.data(2560, seed);\n"
                + "            assertEquals(Digests.sha256(data, 0), Digests.sha256(data, 4096 + (int) (seed % 97)));");
        CPU_UNIT.put("Factorials", "int n = 1440 + (int) (seed % 50);\n"
                + "            assertEquals(Factorials.byLoop(n), Factorials.byTree(n));");
        CPU_UNIT.put("Graphs", "Graphs.Grid g = Graphs.Grid.random(76, seed);\n"
                + "            assertTrue(Graphs.isShortest(g, Graphs.dijkstra(g, (int) (seed % 76))));");
        CPU_UNIT.put("WordCounts", "String text = WordCounts.text(65_000, seed);\n"
                + "            assertEquals(65_000, WordCounts.count(text).values().stream().mapToInt(Integer::intValue).sum());");
    }

    /** The main classes copied from the bench's resources (real code; {@code Unreferenced} is the orphan). */
    private static final List<String> KERNELS = List.of("Sorting", "Primes", "Matrices", "EditDistance", "Digests",
            "Factorials", "Graphs", "WordCounts", "Unreferenced");

    public enum Kind { CPU, IO }

    private GeneratedSuite() {
    }

    /** {@code java -cp bench.jar ...GeneratedSuite <cpu|io> <dir> <classes> <units> [seed]}: writes one suite. */
    public static void main(String[] args) throws IOException {
        Kind kind = Kind.valueOf(args[0].toUpperCase(Locale.ROOT));
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 12;
        Map<String, Integer> units = write(Path.of(args[1]), kind, Integer.parseInt(args[2]), Integer.parseInt(args[3]), seed);
        System.out.println(units);
    }

    /**
     * Writes the project into {@code dir} (created; an existing project there is overwritten).
     *
     * @param classes     test classes
     * @param totalUnits  CPU: the suite's work in units (about 10 ms each); IO: the total wait in units of 100 ms
     * @return the work of every test class in units, by class name
     */
    public static Map<String, Integer> write(Path dir, Kind kind, int classes, int totalUnits, long seed)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pom.xml"), pom(kind));
        Path main = Files.createDirectories(dir.resolve("src/main/java/org/bench/work"));
        for (String k : KERNELS) {
            try (InputStream in = GeneratedSuite.class.getResourceAsStream("/suites/kernels/" + k + ".java")) {
                Files.write(main.resolve(k + ".java"), in.readAllBytes());
            }
        }
        Map<String, Integer> units = split(classes, totalUnits, seed);
        List<String> kernels = new ArrayList<>(CPU_UNIT.keySet());
        int i = 0;
        for (Map.Entry<String, Integer> e : units.entrySet()) {
            String kernel = kernels.get(i % kernels.size());
            String pkg = kind == Kind.CPU ? kernel.toLowerCase(Locale.ROOT) : "io";
            Path testDir = Files.createDirectories(dir.resolve("src/test/java/org/bench/" + pkg));
            String source = kind == Kind.CPU ? cpuClass(pkg, e.getKey(), kernel, e.getValue(), seed + i)
                    : ioClass(e.getKey(), e.getValue());
            Files.writeString(testDir.resolve(e.getKey() + ".java"), source, StandardCharsets.UTF_8);
            i++;
        }
        return units;
    }

    /** Class names and their units: Pareto(alpha 1.2) weights, at least 1 unit each, summing to {@code total}. */
    static Map<String, Integer> split(int classes, int total, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] weights = new double[classes];
        double sum = 0;
        for (int i = 0; i < classes; i++) {
            weights[i] = Math.pow(1 - random.nextDouble(), -1 / 1.2);
            sum += weights[i];
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        int given = 0;
        for (int i = 0; i < classes; i++) {
            int u = Math.max(1, (int) Math.round(weights[i] / sum * total));
            if (i == classes - 1) {
                u = Math.max(1, total - given);
            }
            given += u;
            out.put(String.format(Locale.ROOT, "Work%02dTest", i), u);
        }
        return out;
    }

    private static String cpuClass(String pkg, String name, String kernel, int units, long seed) {
        // three to five test methods share the class's units; each iteration is checked
        int methods = 3 + (int) Math.floorMod(seed, 3);
        StringBuilder s = new StringBuilder();
        s.append("package org.bench.").append(pkg).append(";\n\n")
                .append("import static org.junit.jupiter.api.Assertions.assertEquals;\n")
                .append("import static org.junit.jupiter.api.Assertions.assertTrue;\n\n")
                .append("import org.bench.work.*;\nimport org.junit.jupiter.api.Test;\n\n")
                .append("class ").append(name).append(" {\n");
        int left = units;
        for (int m = 0; m < methods; m++) {
            int u = m == methods - 1 ? left : Math.max(0, units / methods);
            left -= u;
            s.append("\n    @Test\n    void ").append(kernel.substring(0, 1).toLowerCase(Locale.ROOT))
                    .append(kernel.substring(1)).append(m).append("() {\n")
                    .append("        for (long seed = ").append(seed * 1000 + m * 100).append("L; seed < ")
                    .append(seed * 1000 + m * 100 + u).append("L; seed++) {\n            ")
                    .append(CPU_UNIT.get(kernel)).append("\n        }\n    }\n");
        }
        return s.append("}\n").toString();
    }

    private static String ioClass(String name, int units) {
        // units of 100 ms of waiting: two requests to a server answering after 50 ms each
        int requests = Math.max(1, units * 2);
        return """
                package org.bench.io;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                import com.sun.net.httpserver.HttpServer;
                import java.io.IOException;
                import java.net.InetSocketAddress;
                import java.net.URI;
                import java.net.http.HttpClient;
                import java.net.http.HttpRequest;
                import java.net.http.HttpResponse;
                import java.nio.charset.StandardCharsets;
                import java.util.concurrent.locks.LockSupport;
                import org.junit.jupiter.api.AfterAll;
                import org.junit.jupiter.api.BeforeAll;
                import org.junit.jupiter.api.Test;

                class %1$s {
                    /** The remote dependency's latency: the server answers each request after this long. */
                    private static final long LATENCY_NANOS = 50_000_000L;
                    private static HttpServer server;
                    private static final HttpClient CLIENT = HttpClient.newHttpClient();

                    @BeforeAll
                    static void startDependency() throws IOException {
                        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                        server.createContext("/echo", exchange -> {
                            byte[] body = exchange.getRequestURI().getQuery().getBytes(StandardCharsets.UTF_8);
                            LockSupport.parkNanos(LATENCY_NANOS);
                            exchange.sendResponseHeaders(200, body.length);
                            exchange.getResponseBody().write(body);
                            exchange.close();
                        });
                        server.start();
                    }

                    @AfterAll
                    static void stopDependency() {
                        server.stop(0);
                    }

                    @Test
                    void callsTheDependency() throws Exception {
                        for (int i = 0; i < %2$d; i++) {
                            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/echo?n=" + i);
                            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            assertEquals("n=" + i, r.body());
                        }
                    }
                }
                """.formatted(name, requests);
    }

    private static String pom(Kind kind) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <!-- Generated by the selfTest benchmark (GeneratedSuite, %s suite). -->
                  <groupId>org.bench</groupId>
                  <artifactId>generated-%s-suite</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>org.junit.jupiter</groupId>
                      <artifactId>junit-jupiter</artifactId>
                      <version>5.10.3</version>
                      <scope>test</scope>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><groupId>org.jacoco</groupId><artifactId>jacoco-maven-plugin</artifactId><version>0.8.12</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(kind.name().toLowerCase(Locale.ROOT), kind.name().toLowerCase(Locale.ROOT));
    }
}
