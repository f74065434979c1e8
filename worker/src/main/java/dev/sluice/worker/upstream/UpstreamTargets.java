package dev.sluice.worker.upstream;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Every upstream target of this worker, the primary first. A job may go to any target serving its model whose key is
 * usable; it waits (queued) only while every such key is paused.
 */
public class UpstreamTargets {

    private final List<UpstreamTarget> targets;
    /** For each target that lists no models of its own: what its upstream says it has. */
    private final Map<String, ModelCatalog> catalogues;

    public UpstreamTargets(List<UpstreamTarget> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("at least one upstream target is needed");
        }
        this.targets = List.copyOf(targets);
        this.catalogues = this.targets.stream().filter(target -> target.models().isEmpty())
                .collect(Collectors.toUnmodifiableMap(UpstreamTarget::name,
                        target -> new ModelCatalog(target.client()::lookUpModel, target.client()::listModels,
                                Clock.systemUTC())));
    }

    /**
     * Whether some target serves the model: one that lists it, or one that lists none and whose upstream has it
     * ({@link ModelCatalog}). Nothing per model is created before this says yes.
     */
    public CompletableFuture<Boolean> isServed(String model) {
        if (targets.stream().anyMatch(target -> !target.models().isEmpty() && target.models().contains(model))) {
            return CompletableFuture.completedFuture(true);
        }
        List<CompletableFuture<Boolean>> answers = catalogues.values().stream()
                .map(catalogue -> catalogue.serves(model)).toList();
        if (answers.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> answers.stream().anyMatch(CompletableFuture::join));
    }

    public List<UpstreamTarget> all() {
        return targets;
    }

    public List<UpstreamTarget> serving(String model) {
        return targets.stream().filter(target -> target.serves(model)).toList();
    }

    public Optional<UpstreamTarget> named(String name) {
        return targets.stream().filter(target -> target.name().equals(name)).findFirst();
    }

    /**
     * Completes when some target serving the model has a usable key (at once, usually). A model no target serves
     * completes at once too: the job then fails with a clear error instead of waiting for ever.
     */
    public CompletableFuture<Void> whenAnyUsable(String model) {
        List<UpstreamTarget> candidates = serving(model);
        if (candidates.isEmpty() || candidates.stream().anyMatch(target -> !target.health().isPaused())) {
            return CompletableFuture.completedFuture(null);
        }
        if (candidates.size() == 1) {
            return candidates.get(0).health().whenUsable();
        }
        return CompletableFuture.anyOf(candidates.stream().map(target -> target.health().whenUsable())
                .toArray(CompletableFuture[]::new)).thenApply(ignored -> null);
    }

    /** Each target's key: usable, or paused and why; for logs ({@link UpstreamReadiness} shows it on /ready). */
    public String describe() {
        return targets.stream().map(target -> target.name() + ": " + target.health().describe())
                .collect(Collectors.joining("; "));
    }
}
