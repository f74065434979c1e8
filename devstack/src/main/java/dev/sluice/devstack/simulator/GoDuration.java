package dev.sluice.devstack.simulator;

import java.math.BigDecimal;
import java.time.Duration;

/** Formats durations the way OpenAI's reset headers and 429 messages do (Go syntax): 20ms, 1s, 9.816s, 6m0s. */
final class GoDuration {

    private GoDuration() {
    }

    /** Rounds up to whole milliseconds, so a wait is never understated. */
    static String format(Duration duration) {
        long millis = ceilMillis(duration);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1_000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        String seconds = BigDecimal.valueOf(millis % 60_000, 3).stripTrailingZeros().toPlainString();
        if (hours > 0) {
            return hours + "h" + minutes + "m" + seconds + "s";
        }
        if (minutes > 0) {
            return minutes + "m" + seconds + "s";
        }
        return seconds + "s";
    }

    static long ceilMillis(Duration duration) {
        long millis = duration.toMillis();
        return duration.minusMillis(millis).isZero() ? millis : millis + 1;
    }
}
