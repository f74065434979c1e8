package dev.sluice.common.testing;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.jdbi.v3.sqlobject.SqlObjects;
import org.jdbi.v3.sqlobject.locator.SqlObjectClasspathSqlLocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database of the test class's own on the local PostgreSQL, migrated by Sluice's Flyway migrations, with a
 * {@link Jdbi} set up like production's (SQL objects, the PostgreSQL plugin, SQL files beside each DAO), and dropped
 * after the class, like jdbi's own {@code JdbiFlywayMigration} tests:
 * {@code @RegisterExtension static final DatabaseExtension database = new DatabaseExtension();}, then
 * {@code database.jdbi()}. Its name is the one in {@code SLUICE_TEST_DATABASE_URL} (default {@code sluice_test})
 * plus the class's name, so classes and branches never share rows or migrations.
 */
public final class DatabaseExtension implements BeforeAllCallback, AfterAllCallback {

    private static final String BASE_URL = System.getenv().getOrDefault("SLUICE_TEST_DATABASE_URL",
            "jdbc:postgresql://127.0.0.1:5432/sluice_test");
    private static final String USER = System.getenv().getOrDefault("DATABASE_USER", "postgres");
    private static final String PASSWORD = System.getenv().getOrDefault("DATABASE_PASSWORD", "");
    /** jdbc:postgresql://host:port/ database ?options */
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([A-Za-z_][A-Za-z0-9_]*)(\\?.*)?");

    private String database;
    private Jdbi jdbi;

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        Matcher url = parts();
        database = (url.group(2) + "_" + context.getRequiredTestClass().getSimpleName())
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        database = database.substring(0, Math.min(database.length(), 63));
        String options = url.group(3) == null ? "" : url.group(3);
        String jdbcUrl = url.group(1) + database + options;
        onServer("drop database if exists " + database + " with (force)");
        onServer("create database " + database);
        Flyway.configure().dataSource(jdbcUrl, USER, PASSWORD).load().migrate();
        jdbi = Jdbi.create(jdbcUrl, USER, PASSWORD)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
        jdbi.getConfig(SqlObjects.class).setSqlLocator(new SqlObjectClasspathSqlLocator());
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        onServer("drop database if exists " + database + " with (force)");
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    private static Matcher parts() {
        Matcher url = URL.matcher(BASE_URL);
        if (!url.matches()) {
            throw new IllegalArgumentException("SLUICE_TEST_DATABASE_URL is not jdbc:postgresql://host:port/name: "
                    + BASE_URL);
        }
        return url;
    }

    /** A statement on the server's own {@code postgres} database: create or drop the class's database. */
    private static void onServer(String sql) throws SQLException {
        Matcher url = parts();
        String serverUrl = url.group(1) + "postgres" + (url.group(3) == null ? "" : url.group(3));
        try (Connection connection = DriverManager.getConnection(serverUrl, USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
