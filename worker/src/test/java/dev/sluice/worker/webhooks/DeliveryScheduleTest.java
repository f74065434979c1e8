package dev.sluice.worker.webhooks;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryScheduleTest {

    @Test
    void theWaitDoublesFromTheInitialUpToTheMost() {
        DeliverySchedule middle = new DeliverySchedule(Duration.ofSeconds(5), Duration.ofHours(1), () -> 0.5);

        assertThat(middle.after(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(middle.after(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(middle.after(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(middle.after(10)).isEqualTo(Duration.ofSeconds(2560));
        assertThat(middle.after(11)).isEqualTo(Duration.ofHours(1));
        assertThat(middle.after(1_000)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void eachWaitIsSpreadByAFifthEitherWay() {
        DeliverySchedule lowest = new DeliverySchedule(Duration.ofSeconds(10), Duration.ofHours(1), () -> 0.0);
        DeliverySchedule highest = new DeliverySchedule(Duration.ofSeconds(10), Duration.ofHours(1), () -> 1.0);

        assertThat(lowest.after(1)).isEqualTo(Duration.ofSeconds(8));
        assertThat(highest.after(1)).isEqualTo(Duration.ofSeconds(12));
        assertThat(highest.after(100)).isEqualTo(Duration.ofMinutes(72));
    }

    @Test
    void theDefaultScheduleTriesHourlyUntilThe72HourGiveUp() {
        DeliverySchedule schedule = new DeliverySchedule(Duration.ofSeconds(5), Duration.ofHours(1), () -> 0.5);
        Duration total = Duration.ZERO;
        int attempts = 0;
        while (total.compareTo(Duration.ofHours(72)) < 0) {
            attempts++;
            total = total.plus(schedule.after(attempts));
        }

        assertThat(attempts).isBetween(70, 90);
    }
}
