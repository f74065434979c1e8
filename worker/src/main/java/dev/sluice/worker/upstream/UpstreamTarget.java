package dev.sluice.worker.upstream;

import java.util.Set;

/**
 * One key or deployment jobs can go to: its client (one pooled HTTP client each), its key's health, the models it
 * serves (empty: all) and its own limits (0: the sluice.ratelimit defaults, or learned from the headers).
 */
public record UpstreamTarget(String name, UpstreamClient client, KeyHealth health, Set<String> models,
                             long requestsPerMinute, long tokensPerMinute) {

    public UpstreamTarget {
        models = Set.copyOf(models);
    }

    public boolean serves(String model) {
        return models.isEmpty() || models.contains(model);
    }
}
