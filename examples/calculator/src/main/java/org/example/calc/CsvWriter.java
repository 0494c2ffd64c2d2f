package org.example.calc;

import java.util.List;
import java.util.stream.Collectors;

/** Used only by {@link LegacyExporter}: reachable only through an orphan (found by the recursive scan). */
final class CsvWriter {

    private CsvWriter() {
    }

    static String line(List<Long> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
