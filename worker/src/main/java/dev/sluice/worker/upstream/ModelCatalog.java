package dev.sluice.worker.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Which models a target that lists none of its own (it "serves all") really serves: asked once per model with the
 * upstream's free {@code GET /models/{model}}. A 200 is remembered. A 404 is checked against the upstream's list
 * ({@code GET /models}, read at most once a minute), because some OpenAI-compatible servers have the list but not the
 * single-model read; a model missing from the list is remembered as not served for a minute. Per-model state (circuits,
 * gauges, budget lanes, Redis keys) is only made for a model the catalogue knows, so a flood of made-up names costs
 * one cheap call each and nothing that stays. When the upstream cannot say (down, key refused), a well-formed name
 * is let through: an outage must not fail every job.
 */
final class ModelCatalog {

    /** What a model name may look like at all: OpenAI's names, fine-tuned ones ({@code ft:…:org:suffix:id}) included. */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,255}");
    private static final Duration NOT_FOUND_FOR = Duration.ofMinutes(1);
    private static final int REMEMBERED = 10_000;

    private final Function<String, CompletableFuture<Integer>> lookUp;
    private final Supplier<CompletableFuture<Optional<Set<String>>>> list;
    private final Clock clock;
    private volatile CompletableFuture<Optional<Set<String>>> listed;
    private volatile Instant listedAt = Instant.MIN;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> notFound = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > REMEMBERED;
        }
    });

    /**
     * {@code lookUp}: the HTTP status of {@code GET /models/{model}}, 0 when the upstream could not be reached;
     * {@code list}: the ids {@code GET /models} lists, empty when it could not be read.
     */
    ModelCatalog(Function<String, CompletableFuture<Integer>> lookUp,
                 Supplier<CompletableFuture<Optional<Set<String>>>> list, Clock clock) {
        this.lookUp = lookUp;
        this.list = list;
        this.clock = clock;
    }

    static boolean isWellFormed(String model) {
        return model != null && WELL_FORMED.matcher(model).matches();
    }

    CompletableFuture<Boolean> serves(String model) {
        if (!isWellFormed(model)) {
            return CompletableFuture.completedFuture(false);
        }
        if (known.contains(model)) {
            return CompletableFuture.completedFuture(true);
        }
        Instant missing = notFound.get(model);
        if (missing != null && clock.instant().isBefore(missing.plus(NOT_FOUND_FOR))) {
            return CompletableFuture.completedFuture(false);
        }
        return lookUp.apply(model).handle((status, failure) -> failure == null ? status : 0)
                .thenCompose(status -> {
                    if (status == 200) {
                        return CompletableFuture.completedFuture(remember(model));
                    }
                    if (status == 404) {
                        return listed().thenApply(ids -> {
                            if (ids.isEmpty()) {
                                return true; // no list to check against: the upstream cannot say
                            }
                            if (ids.get().contains(model)) {
                                return remember(model);
                            }
                            notFound.put(model, clock.instant());
                            return false;
                        });
                    }
                    return CompletableFuture.completedFuture(true); // the upstream cannot say now: don't fail the job
                });
    }

    private boolean remember(String model) {
        if (known.size() < REMEMBERED) {
            known.add(model);
        }
        notFound.remove(model);
        return true;
    }

    /** The upstream's list, read again when the last read is a minute old. */
    private CompletableFuture<Optional<Set<String>>> listed() {
        Instant now = clock.instant();
        CompletableFuture<Optional<Set<String>>> current = listed;
        if (current == null || now.isAfter(listedAt.plus(NOT_FOUND_FOR))) {
            synchronized (this) {
                if (listed == current) {
                    listedAt = now;
                    listed = list.get().exceptionally(failure -> Optional.empty());
                }
                current = listed;
            }
        }
        return current;
    }
}
