package dev.sluice.api.jobs;

import dev.sluice.common.models.ServedModelsKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The models the api accepts: {@code SLUICE_MODELS} when it is set; otherwise what the workers say their upstream
 * targets serve (a Redis set, read every {@link #REFRESH_SECONDS} s in the background, never on a request). While
 * neither says anything (no worker has started yet, or Redis is away), every well-formed name is accepted and a
 * worker fails a job for a model it does not serve with {@code model_not_configured}.
 */
final class KnownModels implements ServedModels, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KnownModels.class);
    static final int REFRESH_SECONDS = 10;
    private static final int LISTED = 20;

    private final Set<String> configured;
    private final RedissonClient redisson;
    private final ScheduledExecutorService refresher;
    private volatile Set<String> published = Set.of();

    KnownModels(List<String> configured, RedissonClient redisson) {
        this.configured = Set.copyOf(new TreeSet<>(configured.stream().map(String::strip).toList()));
        this.redisson = redisson;
        if (this.configured.isEmpty()) {
            refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "sluice-known-models");
                thread.setDaemon(true);
                return thread;
            });
            refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH_SECONDS, TimeUnit.SECONDS);
        } else {
            refresher = null;
        }
    }

    @Override
    public Optional<String> refusal(String model) {
        Set<String> served = configured.isEmpty() ? published : configured;
        if (served.isEmpty() || served.contains(model)) {
            return Optional.empty();
        }
        List<String> names = new TreeSet<>(served).stream().limit(LISTED).toList();
        return Optional.of("model_not_found: '" + model + "' is not served here; served: " + String.join(", ", names)
                + (served.size() > LISTED ? " and " + (served.size() - LISTED) + " more" : ""));
    }

    void refresh() {
        try {
            Set<String> names = redisson.<String>getSet(ServedModelsKey.REDIS_KEY).readAll();
            published = Set.copyOf(names);
        } catch (RuntimeException e) {
            log.debug("cannot read the served models from Redis (keeping the last {}): {}", published.size(), e.toString());
        }
    }

    @Override
    public void destroy() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
