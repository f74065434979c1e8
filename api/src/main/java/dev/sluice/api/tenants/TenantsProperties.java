package dev.sluice.api.tenants;

import dev.sluice.common.tenants.ApiKeys;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * SLUICE_ADMIN_TOKEN(_FILE) authorises /admin; SLUICE_BOOTSTRAP_API_KEY makes a "default" tenant. Known keys are
 * remembered for {@code keyCacheTtl}, unknown ones for {@code unknownKeyCacheTtl}; a client address may fail to
 * authenticate SLUICE_AUTH_FAILURES_PER_MINUTE times a minute before it is answered 429.
 */
@Validated
@ConfigurationProperties("sluice.tenants")
record TenantsProperties(String adminToken, String adminTokenFile, String bootstrapApiKey,
                                @NotNull Duration keyCacheTtl, @NotNull Duration unknownKeyCacheTtl,
                                @Positive int authFailuresPerMinute) {

    public TenantsProperties {
        if (bootstrapApiKey != null && !bootstrapApiKey.isBlank() && !ApiKeys.isWellFormed(bootstrapApiKey.strip())) {
            throw new IllegalArgumentException("SLUICE_BOOTSTRAP_API_KEY must be sk-sluice- followed by 32 to 128 "
                    + "random characters (A-Z, a-z, 0-9, '-' or '_'); leave it unset and Sluice makes one");
        }
    }

    @Override
    public String toString() {
        return "TenantsProperties[adminToken=****, adminTokenFile=" + adminTokenFile
                + ", bootstrapApiKey=****, keyCacheTtl=" + keyCacheTtl + ", unknownKeyCacheTtl=" + unknownKeyCacheTtl
                + ", authFailuresPerMinute=" + authFailuresPerMinute + "]";
    }
}
