package dev.sluice.api.tenants;

import dev.sluice.api.problems.Problems;
import dev.sluice.common.secrets.Secret;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** The admin API's one check: {@code Authorization: Bearer <SLUICE_ADMIN_TOKEN>}, compared in constant time. */
@Component
public class AdminAuthorization {

    private final Optional<Secret> adminToken;

    AdminAuthorization(TenantsProperties properties) {
        this.adminToken = Secret.fromFileOrValue(properties.adminTokenFile(), properties.adminToken());
    }

    public void authorize(String authorization) {
        if (adminToken.isEmpty()) {
            throw Problems.forbidden("the admin API is disabled: set SLUICE_ADMIN_TOKEN or SLUICE_ADMIN_TOKEN_FILE");
        }
        String presented = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7).strip() : "";
        boolean matches = MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                adminToken.get().reveal().getBytes(StandardCharsets.UTF_8));
        if (!matches) {
            throw Problems.unauthorized("missing or wrong admin token");
        }
    }
}
