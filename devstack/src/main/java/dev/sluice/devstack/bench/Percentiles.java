package dev.sluice.devstack.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * p50, p99 and max of a set of durations in microseconds, by the nearest-rank method (a reported
 * percentile is always one of the measured values). {@code count} 0 means there was nothing to measure.
 */
record Percentiles(int count, long p50Micros, long p99Micros, long maxMicros) {

    static final Percentiles NONE = new Percentiles(0, 0, 0, 0);

    static Percentiles of(Collection<Long> micros) {
        return of(micros.stream().mapToLong(Long::longValue).toArray());
    }

    static Percentiles of(long[] micros) {
        if (micros.length == 0) {
            return NONE;
        }
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** {@code "p50 12.3 ms  p99 45.6 ms  max 78.9 ms"}, or {@code "n/a"} when there were no values. */
    String describe(boolean withMax) {
        if (isEmpty()) {
            return "n/a (no values)";
        }
        String p50AndP99 = "p50 " + millis(p50Micros) + " ms   p99 " + millis(p99Micros) + " ms";
        return withMax ? p50AndP99 + "   max " + millis(maxMicros) + " ms" : p50AndP99;
    }

    static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1_000.0);
    }

    private static long rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }
}
