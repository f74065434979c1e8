package dev.sluice.worker.upstream;

import dev.sluice.common.health.ReadinessDetail;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /ready}'s {@code upstream} part: each target's key ({@code ok}; {@code cooling_down} with the models and until
 * when, as far as this worker saw the 429s; {@code paused} with the upstream's reason) and each model's circuit
 * ({@code closed}, {@code open}, {@code half_open}). It makes the worker unready only when no job could be sent:
 * every key is paused, or every circuit seen so far is open. A cooling-down key works again in seconds, a half-open
 * circuit is sending its trial, and one open circuit among several leaves the other models working: none of those is
 * unready.
 */
public final class UpstreamReadiness implements ReadinessDetail {

    private final UpstreamTargets targets;
    private final UpstreamCircuits circuits;
    private final KeyCoolDowns coolDowns;

    public UpstreamReadiness(UpstreamTargets targets, UpstreamCircuits circuits, KeyCoolDowns coolDowns) {
        this.targets = targets;
        this.circuits = circuits;
        this.coolDowns = coolDowns;
    }

    @Override
    public String name() {
        return "upstream";
    }

    @Override
    public String describe() {
        return String.valueOf(report().detail());
    }

    @Override
    public boolean isHealthy() {
        return report().healthy();
    }

    @Override
    public Report report() {
        Map<String, Object> keys = new LinkedHashMap<>();
        boolean anyUsable = false;
        for (UpstreamTarget target : targets.all()) {
            Map<String, Object> key = keyState(target);
            anyUsable |= !"paused".equals(key.get("state"));
            keys.put(target.name(), key);
        }
        Map<String, String> circuitStates = new TreeMap<>(circuits.states());
        boolean allOpen = !circuitStates.isEmpty() && circuitStates.values().stream().allMatch("open"::equals);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("keys", keys);
        detail.put("circuits", circuitStates);
        if (!anyUsable) {
            detail.put("unready_because", "every upstream key is paused");
        } else if (allOpen) {
            detail.put("unready_because", "every circuit is open");
        }
        return new Report(anyUsable && !allOpen, detail);
    }

    private Map<String, Object> keyState(UpstreamTarget target) {
        Map<String, Object> key = new LinkedHashMap<>();
        KeyHealth.PauseReason reason = target.health().reason();
        if (target.health().isPaused()) {
            key.put("state", "paused");
            if (reason != null) {
                key.put("reason", reason.status() + " " + reason.code() + ": " + reason.message());
                key.put("since", reason.since().toString());
            }
            return key;
        }
        Map<String, Instant> cooling = coolDowns.coolingDown(target.name());
        if (cooling.isEmpty()) {
            key.put("state", "ok");
            return key;
        }
        key.put("state", "cooling_down");
        key.put("until", cooling.values().stream().max(Instant::compareTo).orElseThrow().toString());
        Map<String, String> models = new TreeMap<>();
        cooling.forEach((model, until) -> models.put(model, until.toString()));
        key.put("models", models);
        return key;
    }
}
