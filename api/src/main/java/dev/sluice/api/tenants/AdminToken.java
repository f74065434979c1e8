package dev.sluice.api.tenants;

import dev.sluice.common.secrets.RotatingSecret;
import dev.sluice.common.secrets.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The admin token: SLUICE_ADMIN_TOKEN_FILE (read again when the file changes) or SLUICE_ADMIN_TOKEN, at least 32
 * characters, compared in constant time. Without either the admin API is disabled.
 */
@Component
class AdminToken {

    static final int MIN_LENGTH = 32;
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    private static final Duration RECHECK = Duration.ofSeconds(5);

    private final Optional<RotatingSecret> token;

    AdminToken(TenantsProperties properties) {
        this.token = RotatingSecret.fromFileOrValue(properties.adminTokenFile(), properties.adminToken(),
                Clock.systemUTC(), RECHECK, AdminToken::checkLength,
                rejected -> log.error("the admin token file was changed but is not used: {}", rejected.getMessage()));
    }

    boolean isEnabled() {
        return token.isPresent();
    }

    boolean matches(String presented) {
        return token.isPresent() && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                token.get().current().reveal().getBytes(StandardCharsets.UTF_8));
    }

    private static void checkLength(Secret secret) {
        if (secret.reveal().length() < MIN_LENGTH) {
            throw new IllegalStateException("SLUICE_ADMIN_TOKEN (or the file SLUICE_ADMIN_TOKEN_FILE names) must be at "
                    + "least " + MIN_LENGTH + " characters; make one with: openssl rand -base64 32");
        }
    }
}
