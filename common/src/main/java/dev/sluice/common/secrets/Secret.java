package dev.sluice.common.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** A key or token. {@code toString()} never shows it, so it can't leak through a log line or a record. */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /**
     * Reads a secret the way deployments provide it: a mounted file ({@code <NAME>_FILE}) wins over the
     * plain variable, and surrounding whitespace (a trailing newline) is dropped. Empty when neither is set.
     */
    public static Optional<Secret> fromFileOrValue(String file, String value) {
        if (file != null && !file.isBlank()) {
            try {
                String text = Files.readString(Path.of(file)).strip();
                if (text.isEmpty()) {
                    throw new IllegalStateException("secret file " + file + " is empty");
                }
                return Optional.of(new Secret(text));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read secret file " + file, e);
            }
        }
        if (value != null && !value.isBlank()) {
            return Optional.of(new Secret(value.strip()));
        }
        return Optional.empty();
    }

    public String reveal() {
        return value;
    }

    /**
     * A short, one-way fingerprint (the first 12 hex digits of the SHA-256) that tells two secrets apart in logs and
     * metrics without revealing either.
     */
    public String fingerprint() {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
