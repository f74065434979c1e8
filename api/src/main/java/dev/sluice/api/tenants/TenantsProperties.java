package dev.sluice.api.tenants;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/** SLUICE_ADMIN_TOKEN(_FILE) authorises /admin; SLUICE_BOOTSTRAP_API_KEY makes a "default" tenant. */
@Validated
@ConfigurationProperties("sluice.tenants")
public record TenantsProperties(String adminToken, String adminTokenFile, String bootstrapApiKey,
                                @NotNull Duration keyCacheTtl) {

    @Override
    public String toString() {
        return "TenantsProperties[adminToken=****, adminTokenFile=" + adminTokenFile
                + ", bootstrapApiKey=****, keyCacheTtl=" + keyCacheTtl + "]";
    }
}
