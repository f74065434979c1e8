package dev.sluice.api.tenants;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityConfigurationTest {

    @Test
    void theActuatorIsServedOnlyWhenItHasAPortOfItsOwn() {
        assertThat(SecurityConfiguration.isSeparatePort("9090", "8080")).isTrue();
        assertThat(SecurityConfiguration.isSeparatePort("0", "0")).as("two free ports").isTrue();
        assertThat(SecurityConfiguration.isSeparatePort("8080", "8080")).as("shares the public port").isFalse();
        assertThat(SecurityConfiguration.isSeparatePort(null, "8080")).isFalse();
        assertThat(SecurityConfiguration.isSeparatePort("-1", "8080")).as("turned off").isFalse();
    }
}
