package org.bench.work;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** SHA-256 of generated data, whole and in chunks. */
public final class Digests {
    private Digests() {
    }

    public static byte[] data(int kib, long seed) {
        byte[] data = new byte[kib * 1024];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    public static String sha256(byte[] data, int chunk) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (chunk <= 0) {
                md.update(data);
            } else {
                for (int i = 0; i < data.length; i += chunk) {
                    md.update(data, i, Math.min(chunk, data.length - i));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hashes the hash {@code rounds} times: a chain no cache can shortcut. */
    public static String chain(String start, int rounds) {
        byte[] h = start.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < rounds; i++) {
            h = HexFormat.of().parseHex(sha256(h, 0));
        }
        return HexFormat.of().formatHex(h);
    }
}
