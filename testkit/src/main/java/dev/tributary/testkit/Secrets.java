package dev.tributary.testkit;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random passwords for test servers, so that a test can look for a leaked secret by its value. */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    static String random(String prefix) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return prefix + "-" + HexFormat.of().formatHex(bytes);
    }
}
