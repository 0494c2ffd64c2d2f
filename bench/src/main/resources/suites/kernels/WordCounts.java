package org.bench.work;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Word frequencies of generated text. */
public final class WordCounts {
    private static final String[] WORDS = {"shard", "worker", "suite", "class", "coverage", "report", "agent",
        "build", "pipeline", "service", "restart", "ready", "orphan", "module", "reactor"};

    private WordCounts() {
    }

    public static String text(int words, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder s = new StringBuilder(words * 8);
        for (int i = 0; i < words; i++) {
            s.append(WORDS[random.nextInt(WORDS.length)]).append(i % 17 == 16 ? ".\n" : " ");
        }
        return s.toString();
    }

    public static Map<String, Integer> count(String text) {
        Map<String, Integer> counts = new HashMap<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            if (Character.isLetter(c)) {
                word.append(Character.toLowerCase(c));
            } else if (word.length() > 0) {
                counts.merge(word.toString(), 1, Integer::sum);
                word.setLength(0);
            }
        }
        return counts;
    }
}
