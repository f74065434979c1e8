package dev.sluice.devstack.standalone;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * Creates the database named in a JDBC URL when it does not exist yet, by connecting to the server's
 * {@code postgres} database. Used by the standalone stack, the benchmarks and the tests; it lives in devstack
 * because a deployed service never creates its own database.
 */
public final class DatabaseCreator {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DatabaseCreator() {
    }

    public static void createIfMissing(String jdbcUrl, String user, String password) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String database = uri.getPath().substring(1);
        if (!SAFE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("refusing to create a database named '" + database + "'");
        }
        String adminUrl = jdbcUrl.replaceFirst("/" + Pattern.quote(database) + "(\\?|$)", "/postgres$1");
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
             PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, database);
            try (ResultSet row = exists.executeQuery()) {
                if (row.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("create database " + database);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // created by someone else meanwhile
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database + " at " + adminUrl
                    + " (is PostgreSQL running? DATABASE_URL/DATABASE_USER/DATABASE_PASSWORD)", e);
        }
    }
}
