package dev.sluice.api.jobs;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The models the api accepts: {@code SLUICE_MODELS} when it is set (a 400 {@code model_not_found} that lists them for
 * any other). When it is not set, every well-formed name is accepted here, and the worker asks the upstream's free
 * {@code GET /models/{model}} (remembered) before it creates anything for the model, failing a job for a model no
 * target serves at once with {@code model_not_configured}.
 */
final class KnownModels implements ServedModels {

    private static final int LISTED = 20;

    private final Set<String> configured;

    KnownModels(List<String> configured) {
        this.configured = Set.copyOf(new TreeSet<>(configured.stream().map(String::strip).toList()));
    }

    @Override
    public Optional<String> refusal(String model) {
        if (configured.isEmpty() || configured.contains(model)) {
            return Optional.empty();
        }
        List<String> names = new TreeSet<>(configured).stream().limit(LISTED).toList();
        return Optional.of("model_not_found: '" + model + "' is not served here; served: " + String.join(", ", names)
                + (configured.size() > LISTED ? " and " + (configured.size() - LISTED) + " more" : ""));
    }
}
