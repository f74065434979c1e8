package dev.sluice.devstack.chaos;

import dev.sluice.devstack.faults.TcpProxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The worker's way to PostgreSQL and Redis during a chaos run: a {@link TcpProxy} in front of each, which the run cuts
 * and restores. Only the worker goes through them; the api (in this JVM) and the run's own reads connect directly.
 */
final class DependencyProxies implements AutoCloseable {

    private final TcpProxy postgres;
    private final TcpProxy redis;
    private final String workerDatabaseUrl;
    private final String workerRedisUrl;

    private DependencyProxies(TcpProxy postgres, TcpProxy redis, String workerDatabaseUrl, String workerRedisUrl) {
        this.postgres = postgres;
        this.redis = redis;
        this.workerDatabaseUrl = workerDatabaseUrl;
        this.workerRedisUrl = workerRedisUrl;
    }

    /** Proxies in front of the PostgreSQL of {@code databaseUrl} (JDBC) and the Redis of {@code redisUrl}. */
    static DependencyProxies start(String databaseUrl, String redisUrl) throws IOException {
        URI database = databaseUri(databaseUrl);
        URI redisUri = URI.create(redisUrl);
        TcpProxy postgres = TcpProxy.start(target(database, 5432));
        try {
            TcpProxy redis = TcpProxy.start(target(redisUri, 6379));
            return new DependencyProxies(postgres, redis, databaseUrlVia(databaseUrl, postgres.port()),
                    redisUrlVia(redisUrl, redis.port()));
        } catch (IOException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    TcpProxy postgres() {
        return postgres;
    }

    TcpProxy redis() {
        return redis;
    }

    /** The worker's DATABASE_URL: the same database, through the proxy. */
    String workerDatabaseUrl() {
        return workerDatabaseUrl;
    }

    /** The worker's REDIS_URL: the same Redis (and credentials), through the proxy. */
    String workerRedisUrl() {
        return workerRedisUrl;
    }

    /** {@code jdbc:postgresql://db.internal:6543/sluice?ssl=true} through port 40001 on this host. */
    static String databaseUrlVia(String jdbcUrl, int port) {
        return "jdbc:" + onLocalPort(databaseUri(jdbcUrl), port);
    }

    /** {@code redis://:secret@cache:6380/2} through port 40002 on this host. */
    static String redisUrlVia(String redisUrl, int port) {
        return onLocalPort(URI.create(redisUrl), port);
    }

    static InetSocketAddress target(URI uri, int defaultPort) {
        return new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? defaultPort : uri.getPort());
    }

    private static URI databaseUri(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("DATABASE_URL must be jdbc:postgresql://host[:port]/database for a chaos "
                    + "run, got " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("DATABASE_URL must name one PostgreSQL host for a chaos run, got "
                    + jdbcUrl);
        }
        return uri;
    }

    /** The same URI with 127.0.0.1:{@code port} as its host and port; every other part stays as written. */
    private static String onLocalPort(URI uri, int port) {
        // assembled from the raw parts: URI's multi-argument constructors would encode an escaped '%' once more
        return uri.getScheme() + "://"
                + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
                + "127.0.0.1:" + port
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
    }

    @Override
    public void close() {
        postgres.close();
        redis.close();
    }
}
