package dev.sluice.devstack.chaos;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DependencyProxiesTest {

    @Test
    void theDatabaseUrlKeepsItsDatabaseAndParametersOnTheProxyPort() {
        assertThat(DependencyProxies.databaseUrlVia("jdbc:postgresql://db.internal:6543/sluice_chaos?ssl=true", 40001))
                .isEqualTo("jdbc:postgresql://127.0.0.1:40001/sluice_chaos?ssl=true");
        assertThat(DependencyProxies.databaseUrlVia("jdbc:postgresql://localhost/sluice", 40001))
                .isEqualTo("jdbc:postgresql://127.0.0.1:40001/sluice");
    }

    @Test
    void theRedisUrlKeepsItsCredentialsAndDatabaseOnTheProxyPort() {
        assertThat(DependencyProxies.redisUrlVia("redis://:s%40cret@cache:6380/2", 40002))
                .isEqualTo("redis://:s%40cret@127.0.0.1:40002/2");
        assertThat(DependencyProxies.redisUrlVia("redis://localhost:6379", 40002)).isEqualTo("redis://127.0.0.1:40002");
    }

    @Test
    void aTargetWithoutAPortGetsTheDefaultOne() {
        InetSocketAddress target = DependencyProxies.target(URI.create("redis://localhost"), 6379);

        assertThat(target.getHostString()).isEqualTo("localhost");
        assertThat(target.getPort()).isEqualTo(6379);
    }

    @Test
    void refusesADatabaseUrlWithSeveralHosts() {
        assertThatThrownBy(() -> DependencyProxies.databaseUrlVia("jdbc:postgresql://a:5432,b:5432/sluice", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one PostgreSQL host");
    }
}
