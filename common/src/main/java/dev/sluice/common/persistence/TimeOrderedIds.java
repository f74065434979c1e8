package dev.sluice.common.persistence;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * UUIDv7-style ids (millisecond time first, then randomness), so new rows land at the end of the
 * primary-key index and ids sort by creation time, which keyset pagination relies on.
 */
public final class TimeOrderedIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern HEX_32 = Pattern.compile("[0-9a-f]{32}");

    private TimeOrderedIds() {
    }

    public static UUID next() {
        long millis = System.currentTimeMillis();
        long randomA = RANDOM.nextLong();
        long randomB = RANDOM.nextLong();
        long most = (millis << 16) | 0x7000L | (randomA & 0x0FFFL);
        long least = (randomB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }

    public static String format(String prefix, UUID id) {
        return prefix + id.toString().replace("-", "");
    }

    public static Optional<UUID> parse(String prefix, String text) {
        if (text == null || !text.startsWith(prefix)) {
            return Optional.empty();
        }
        String hex = text.substring(prefix.length());
        if (!HEX_32.matcher(hex).matches()) {
            return Optional.empty();
        }
        byte[] bytes = HexFormat.of().parseHex(hex);
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xFF);
            least = (least << 8) | (bytes[i + 8] & 0xFF);
        }
        return Optional.of(new UUID(most, least));
    }
}
