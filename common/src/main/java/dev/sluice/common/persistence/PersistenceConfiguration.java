package dev.sluice.common.persistence;

import dev.sluice.common.tenants.TenantRegistry;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;

/** One Jdbi per process over Boot's pooled DataSource (HikariCP, 20 connections by default). */
@Configuration(proxyBeanMethods = false)
public class PersistenceConfiguration {

    @Bean
    Jdbi jdbi(DataSource dataSource) {
        return Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
    }

    @Bean
    TenantRegistry tenantRegistry(Jdbi jdbi) {
        return new TenantRegistry(jdbi);
    }
}
