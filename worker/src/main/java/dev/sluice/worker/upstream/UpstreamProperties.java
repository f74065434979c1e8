package dev.sluice.worker.upstream;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;

/**
 * OPENAI_BASE_URL, OPENAI_API_KEY or OPENAI_API_KEY_FILE (the file wins), OPENAI_TIMEOUT (60 s), and UPSTREAM_NAME:
 * the name of the shared rate budget (limits belong to the account, not the key, so a rotated key keeps it).
 */
@Validated
@ConfigurationProperties("sluice.upstream")
public record UpstreamProperties(@NotBlank String name,
                                 @NotNull URI baseUrl,
                                 String apiKey,
                                 String apiKeyFile,
                                 @NotNull Duration timeout,
                                 @NotNull Duration connectTimeout) {

    public UpstreamProperties {
        if (baseUrl != null && !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))) {
            throw new IllegalArgumentException("OPENAI_BASE_URL must be an http(s) URL, got " + baseUrl);
        }
    }

    @Override
    public String toString() {
        return "UpstreamProperties[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=****, apiKeyFile=" + apiKeyFile
                + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout + "]";
    }
}
