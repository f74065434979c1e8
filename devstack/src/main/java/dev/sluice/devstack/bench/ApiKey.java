package dev.sluice.devstack.bench;

import java.util.Objects;

/** Sluice's API key for the benchmark's requests; {@code toString()} masks it, so it never reaches a log line. */
public record ApiKey(String value) {

    public ApiKey {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("an API key must not be blank");
        }
    }

    @Override
    public String toString() {
        return "ApiKey[****]";
    }
}
