package dev.sluice.worker.upstream;

import java.util.Set;

/**
 * One key or deployment jobs can go to: its client (one pooled HTTP client each), its key's health, the models it
 * serves (empty: all), its own limits (0: the sluice.ratelimit defaults, or learned from the headers) and how its
 * upstream counts tokens against them.
 */
public record UpstreamTarget(String name, UpstreamClient client, KeyHealth health, Set<String> models,
                             long requestsPerMinute, long tokensPerMinute, ReservationModel reservation) {

    public UpstreamTarget {
        models = Set.copyOf(models);
    }

    public boolean serves(String model) {
        return models.isEmpty() || models.contains(model);
    }
}
