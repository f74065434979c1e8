package dev.sluice.common.persistence;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.jdbi.v3.sqlobject.SqlObjects;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;

/**
 * One Jdbi per process over Boot's pooled DataSource (HikariCP, 20 connections by default). Every DAO's SQL lives in
 * a {@code .sql} file beside it, found once per method.
 */
@Configuration(proxyBeanMethods = false)
public class PersistenceConfiguration {

    @Bean
    Jdbi jdbi(DataSource dataSource) {
        Jdbi jdbi = Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
        jdbi.getConfig(SqlObjects.class).setSqlLocator(new CachedClasspathSqlLocator());
        return jdbi;
    }
}
