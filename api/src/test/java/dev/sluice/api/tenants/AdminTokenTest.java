package dev.sluice.api.tenants;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminTokenTest {

    private static final String LONG_ENOUGH = "0123456789abcdef0123456789abcdef";

    @Test
    void aTokenShorterThan32CharactersStopsStartUpNamingTheVariable() {
        assertThatThrownBy(() -> new AdminToken(properties("admin", null)))
                .hasMessageContaining("SLUICE_ADMIN_TOKEN").hasMessageContaining("32");
    }

    @Test
    void onlyTheExactTokenMatches() {
        AdminToken token = new AdminToken(properties(LONG_ENOUGH, null));

        assertThat(token.matches(LONG_ENOUGH)).isTrue();
        assertThat(token.matches(LONG_ENOUGH + "x")).isFalse();
        assertThat(token.matches("")).isFalse();
    }

    @Test
    void withoutATokenTheAdminApiIsDisabled() {
        AdminToken token = new AdminToken(properties("", ""));

        assertThat(token.isEnabled()).isFalse();
        assertThat(token.matches("")).isFalse();
    }

    @Test
    void aBootstrapKeyMustLookLikeAGeneratedOne() {
        assertThatThrownBy(() -> new TenantsProperties(null, null, "sk-sluice-dev", Duration.ofMinutes(1),
                Duration.ofSeconds(30), 30)).hasMessageContaining("SLUICE_BOOTSTRAP_API_KEY");
        assertThatThrownBy(() -> new TenantsProperties(null, null, "password1234567890123456789012345678901234",
                Duration.ofMinutes(1), Duration.ofSeconds(30), 30)).hasMessageContaining("SLUICE_BOOTSTRAP_API_KEY");
        assertThat(new TenantsProperties(null, null, dev.sluice.common.tenants.ApiKeys.generate(),
                Duration.ofMinutes(1), Duration.ofSeconds(30), 30).bootstrapApiKey()).startsWith("sk-sluice-");
    }

    private static TenantsProperties properties(String token, String file) {
        return new TenantsProperties(token, file, null, Duration.ofMinutes(1), Duration.ofSeconds(30), 30);
    }
}
