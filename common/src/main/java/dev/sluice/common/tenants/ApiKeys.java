package dev.sluice.common.tenants;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Tenant API keys: made from 32 random bytes, shown once, stored only as a SHA-256. */
public final class ApiKeys {

    private static final String PREFIX = "sk-sluice-";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What {@link #generate()} makes (43 characters after the prefix), with room for keys made elsewhere. */
    private static final java.util.regex.Pattern WELL_FORMED =
            java.util.regex.Pattern.compile("sk-sluice-[A-Za-z0-9_-]{32,128}");

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Whether {@code key} can be a Sluice key at all: {@code sk-sluice-} and 32 to 128 base64url characters. Checked
     * before any lookup, so a malformed key never costs a database round trip.
     */
    public static boolean isWellFormed(String key) {
        return key != null && WELL_FORMED.matcher(key).matches();
    }

    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The part of a key that is safe to store and show, to tell keys apart. */
    public static String displayPrefix(String key) {
        return key.substring(0, Math.min(key.length(), PREFIX.length() + 4)) + "…";
    }
}
