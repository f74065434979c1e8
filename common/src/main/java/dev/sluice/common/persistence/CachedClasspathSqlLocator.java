package dev.sluice.common.persistence;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.sqlobject.locator.SqlLocator;
import org.jdbi.v3.sqlobject.locator.SqlObjectClasspathSqlLocator;

/**
 * Finds each DAO method's SQL in the {@code .sql} file beside the DAO (for example {@code JobDao/markRunning.sql}),
 * once per method. Jdbi's own classpath locator, installed per DAO by {@code @UseClasspathSqlLocator}, read the file
 * again on every {@code attach}; inside the Spring Boot jar that costs a nested-jar lookup per database call and
 * became the worker's bottleneck. Installed once on the {@code Jdbi}, for every DAO.
 */
final class CachedClasspathSqlLocator implements SqlLocator {

    private record Key(Class<?> sqlObjectType, Method method) {
    }

    private final SqlLocator classpath = new SqlObjectClasspathSqlLocator();
    private final Map<Key, String> located = new ConcurrentHashMap<>();

    @Override
    public String locate(Class<?> sqlObjectType, Method method, ConfigRegistry config) {
        return located.computeIfAbsent(new Key(sqlObjectType, method),
                key -> classpath.locate(key.sqlObjectType(), key.method(), config));
    }
}
