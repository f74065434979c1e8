package dev.sluice.worker.webhooks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Attempts in flight in this process, in all and per tenant. A tenant whose receiver is slow or dead fills its own
 * few slots and waits there; the others' deliveries go on in the rest.
 */
final class TenantSlots {

    private final int total;
    private final int perTenant;
    private final Map<UUID, Integer> inFlight = new HashMap<>();
    private int used;

    TenantSlots(int total, int perTenant) {
        this.total = total;
        this.perTenant = Math.min(perTenant, total);
    }

    synchronized int free() {
        return total - used;
    }

    /** Tenants with no free slot: none of their deliveries is worth claiming now. */
    synchronized Set<UUID> full() {
        return inFlight.entrySet().stream().filter(entry -> entry.getValue() >= perTenant).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** Takes a slot for each candidate that fits, in order; the ones that got one. */
    synchronized List<DueDelivery> take(List<DueDelivery> candidates) {
        List<DueDelivery> taken = new ArrayList<>();
        for (DueDelivery candidate : candidates) {
            if (used >= total) {
                break;
            }
            int tenant = inFlight.getOrDefault(candidate.tenantId(), 0);
            if (tenant < perTenant) {
                inFlight.put(candidate.tenantId(), tenant + 1);
                used++;
                taken.add(candidate);
            }
        }
        return taken;
    }

    synchronized void release(UUID tenantId) {
        Integer tenant = inFlight.get(tenantId);
        if (tenant == null) {
            return;
        }
        if (tenant <= 1) {
            inFlight.remove(tenantId);
        } else {
            inFlight.put(tenantId, tenant - 1);
        }
        used--;
    }
}
