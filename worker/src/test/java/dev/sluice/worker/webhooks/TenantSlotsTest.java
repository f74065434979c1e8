package dev.sluice.worker.webhooks;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TenantSlotsTest {

    private static final UUID SLOW = UUID.randomUUID();
    private static final UUID OTHER = UUID.randomUUID();

    private static DueDelivery of(UUID tenant, int n) {
        return new DueDelivery("evt_" + tenant + "_" + n, tenant, "job", "https://example.com/", "{}", Instant.now(), 0);
    }

    @Test
    void aTenantNeverTakesMoreThanItsShareAndTheOthersGetTheRest() {
        TenantSlots slots = new TenantSlots(6, 2);

        List<DueDelivery> taken = slots.take(List.of(of(SLOW, 1), of(SLOW, 2), of(SLOW, 3), of(SLOW, 4),
                of(OTHER, 1), of(OTHER, 2), of(OTHER, 3)));

        assertThat(taken).extracting(DueDelivery::eventId).containsExactly("evt_" + SLOW + "_1",
                "evt_" + SLOW + "_2", "evt_" + OTHER + "_1", "evt_" + OTHER + "_2");
        assertThat(slots.full()).containsExactlyInAnyOrder(SLOW, OTHER);
        assertThat(slots.free()).isEqualTo(2);
    }

    @Test
    void neverMoreThanTheTotalAndAReleasedSlotIsFreeAgain() {
        TenantSlots slots = new TenantSlots(3, 3);
        UUID third = UUID.randomUUID();

        assertThat(slots.take(List.of(of(SLOW, 1), of(OTHER, 1), of(third, 1), of(third, 2)))).hasSize(3);
        assertThat(slots.free()).isZero();
        assertThat(slots.take(List.of(of(third, 3)))).isEmpty();

        slots.release(SLOW);

        assertThat(slots.free()).isEqualTo(1);
        assertThat(slots.take(List.of(of(third, 3)))).hasSize(1);
    }

    @Test
    void releasingWhatWasNeverTakenChangesNothing() {
        TenantSlots slots = new TenantSlots(2, 1);

        slots.release(SLOW);

        assertThat(slots.free()).isEqualTo(2);
        assertThat(slots.full()).isEmpty();
    }
}
