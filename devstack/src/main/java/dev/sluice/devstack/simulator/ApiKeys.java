package dev.sluice.devstack.simulator;

import java.util.Optional;
import java.util.Set;

import static dev.sluice.devstack.simulator.BehaviourValues.REVOKED_KEYS;

/** Checks the {@code Authorization: Bearer <key>} header against the accepted and the revoked keys. */
final class ApiKeys {

    private static final String BEARER = "Bearer ";

    private final Set<String> acceptedKeys;

    ApiKeys(Set<String> acceptedKeys) {
        this.acceptedKeys = Set.copyOf(acceptedKeys);
    }

    /** The key of a bearer header, or null when the header is missing, not bearer, or blank. */
    static String bearerKey(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String key = authorization.substring(BEARER.length()).strip();
        return key.isEmpty() ? null : key;
    }

    Optional<OpenAiError> refusal(String key, BehaviourValues behaviour) {
        if (key == null) {
            return Optional.of(OpenAiError.missingApiKey());
        }
        boolean accepted = acceptedKeys.isEmpty() || acceptedKeys.contains(key);
        if (!accepted || behaviour.get(REVOKED_KEYS).contains(key)) {
            return Optional.of(OpenAiError.invalidApiKey(key));
        }
        return Optional.empty();
    }
}
