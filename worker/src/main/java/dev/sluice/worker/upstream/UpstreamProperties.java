package dev.sluice.worker.upstream;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The primary upstream: OPENAI_BASE_URL, OPENAI_API_KEY or OPENAI_API_KEY_FILE (the file wins), OPENAI_TIMEOUT
 * (60 s, the whole call, body included), OPENAI_MAX_RESPONSE_SIZE (16 MB: a longer answer fails the job), and
 * UPSTREAM_NAME: the name of the shared rate budget (limits belong to the account, not the key, so a
 * rotated key keeps it); {@code models} limits the models it serves (empty: all). {@code targets} adds more keys or
 * deployments (another account, another base URL), each with its own budget, optional limits and models
 * ({@code sluice.upstream.targets[0].name}, or SLUICE_UPSTREAM_TARGETS_0_NAME, ..._BASE_URL, ..._API_KEY_FILE,
 * ..._MODELS, ..._REQUESTS_PER_MINUTE, ..._TOKENS_PER_MINUTE, ..._RESERVATION); a job goes to whichever target
 * serving its model has budget first. UPSTREAM_RESERVATION ({@code openai} or {@code tiktoken}, see
 * {@link ReservationModel}) says how the primary upstream counts tokens; a target without one of its own takes it.
 */
@Validated
@ConfigurationProperties("sluice.upstream")
record UpstreamProperties(@NotBlank String name,
                                 @NotNull URI baseUrl,
                                 String apiKey,
                                 String apiKeyFile,
                                 @NotNull Duration timeout,
                                 @NotNull Duration connectTimeout,
                                 @NotNull DataSize maxResponseSize,
                                 List<String> models,
                                 List<@Valid Target> targets,
                                 ReservationModel reservation) {

    /**
     * One more key or deployment; limits of 0 take sluice.ratelimit's (or learn them from the headers); no
     * reservation model takes the primary's.
     */
    public record Target(@NotBlank String name,
                         @NotNull URI baseUrl,
                         String apiKey,
                         String apiKeyFile,
                         List<String> models,
                         @PositiveOrZero long requestsPerMinute,
                         @PositiveOrZero long tokensPerMinute,
                         ReservationModel reservation) {

        @Override
        public String toString() {
            return "Target[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=****, apiKeyFile=" + apiKeyFile
                    + ", models=" + models + ", reservation=" + reservation + "]";
        }
    }

    public UpstreamProperties {
        models = models == null ? List.of() : List.copyOf(models);
        reservation = reservation == null ? ReservationModel.OPENAI : reservation;
        targets = targets == null ? List.of() : List.copyOf(targets);
        requireHttp(baseUrl, "OPENAI_BASE_URL");
        Set<String> names = new HashSet<>();
        names.add(name);
        for (Target target : targets) {
            requireHttp(target.baseUrl(), "sluice.upstream.targets[" + target.name() + "].base-url");
            if (!names.add(target.name())) {
                throw new IllegalArgumentException("upstream target names must differ; '" + target.name() + "' is used twice");
            }
        }
    }

    private static void requireHttp(URI url, String what) {
        if (url != null && !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException(what + " must be an http(s) URL, got " + url);
        }
    }

    /** The same timeouts for another target's key and URL, and the primary's reservation model unless it has one. */
    public UpstreamProperties forTarget(Target target) {
        return new UpstreamProperties(target.name(), target.baseUrl(), target.apiKey(), target.apiKeyFile(), timeout,
                connectTimeout, maxResponseSize, target.models(), List.of(),
                target.reservation() == null ? reservation : target.reservation());
    }

    @Override
    public String toString() {
        return "UpstreamProperties[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=****, apiKeyFile=" + apiKeyFile
                + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout + ", maxResponseSize=" + maxResponseSize
                + ", models=" + models + ", targets=" + targets + ", reservation=" + reservation + "]";
    }
}
