package dev.sluice.worker.upstream;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;

/** OPENAI_BASE_URL, OPENAI_API_KEY or OPENAI_API_KEY_FILE (the file wins), OPENAI_TIMEOUT (60 s). */
@Validated
@ConfigurationProperties("sluice.upstream")
public record UpstreamProperties(@NotNull URI baseUrl,
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
        return "UpstreamProperties[baseUrl=" + baseUrl + ", apiKey=****, apiKeyFile=" + apiKeyFile
                + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout + "]";
    }
}
