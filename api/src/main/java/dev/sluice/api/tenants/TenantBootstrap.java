package dev.sluice.api.tenants;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** SLUICE_BOOTSTRAP_API_KEY creates (idempotently) a "default" tenant owning that key. */
@Component
class TenantBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(TenantBootstrap.class);
    static final String DEFAULT_TENANT = "default";

    private final TenantRegistry tenants;
    private final TenantsProperties properties;

    TenantBootstrap(TenantRegistry tenants, TenantsProperties properties) {
        this.tenants = tenants;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        String key = properties.bootstrapApiKey();
        if (key != null && !key.isBlank()) {
            var tenantId = tenants.ensureTenantWithKey(DEFAULT_TENANT, key.strip());
            log.info("bootstrap API key is active for tenant '{}' ({})", DEFAULT_TENANT, tenantId);
        }
    }
}
