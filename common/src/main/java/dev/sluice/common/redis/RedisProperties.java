package dev.sluice.common.redis;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * REDIS_URL ({@code redis://host:6379} or {@code rediss://} for TLS), REDIS_PASSWORD or REDIS_PASSWORD_FILE (the file
 * wins), and how long one Redis command may take before it counts as a failure.
 */
@Validated
@ConfigurationProperties("sluice.redis")
public record RedisProperties(@NotNull URI url, String password, String passwordFile, @NotNull Duration timeout) {

    public RedisProperties {
        if (url != null && !("redis".equals(url.getScheme()) || "rediss".equals(url.getScheme()))) {
            throw new IllegalArgumentException("REDIS_URL must be redis://host:port or rediss://host:port, got " + url);
        }
    }

    @Override
    public String toString() {
        return "RedisProperties[url=" + url + ", password=****, passwordFile=" + passwordFile + ", timeout=" + timeout
                + "]";
    }
}
