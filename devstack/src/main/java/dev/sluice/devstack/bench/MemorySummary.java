package dev.sluice.devstack.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The verdict of {@code ./sluice bench memory}, two comparisons per figure, each from after warm-up to the end.
 * <ul>
 * <li>Under load: start and end are each the median of {@value #WINDOW} samples, the first ones after warm-up and the
 * last ones while jobs were still draining. Heap after a full GC still holds the jobs and Kafka records in flight,
 * and one sample can land on a peak of them (±15 % in practice), which one sample against one other would call
 * growth.</li>
 * <li>Quiet: one sample with nothing in flight after warm-up (pouring paused until the worker was idle) and one at
 * the end. Without the in-flight swing this is the sharper test of the heap.</li>
 * </ul>
 * A figure is flat when neither comparison grew by more than its tolerance; shrinking is always flat. The highest
 * value under load is shown too, so growth that levels off can be told from growth that does not.
 */
record MemorySummary(List<Row> rows) {

    /** How much a figure may grow and still count as flat: the larger of {@code absolute} and {@code fraction}. */
    record Tolerance(long absolute, double fraction) {

        long allowedGrowth(long first) {
            return Math.max(absolute, (long) Math.floor(first * fraction));
        }

        String describe(boolean kib) {
            if (fraction > 0 && absolute > 0) {
                return String.format(Locale.ROOT, "+%s or +%.0f %%", kib ? mebibytes(absolute) : absolute,
                        fraction * 100);
            }
            return fraction > 0 ? String.format(Locale.ROOT, "+%.0f %%", fraction * 100)
                    : "+" + (kib ? mebibytes(absolute) : Long.toString(absolute));
        }
    }

    /** Values are -1 where not read; a comparison with a value not read is left out of the verdict. */
    record Row(String figure, boolean kib, long first, long last, long max, long quietFirst, long quietLast,
               Tolerance tolerance) {

        boolean isMeasured() {
            return first >= 0 && last >= 0;
        }

        boolean isQuietMeasured() {
            return quietFirst >= 0 && quietLast >= 0;
        }

        boolean isFlat() {
            boolean underLoad = !isMeasured() || last - first <= tolerance.allowedGrowth(first);
            boolean quiet = !isQuietMeasured() || quietLast - quietFirst <= tolerance.allowedGrowth(quietFirst);
            return underLoad && quiet;
        }

        String verdict() {
            return !isMeasured() && !isQuietMeasured() ? "n/a" : isFlat() ? "flat" : "GROWS";
        }

        String growthText() {
            return isMeasured() ? growth(first, last) : "?";
        }

        String quietGrowthText() {
            return isQuietMeasured() ? growth(quietFirst, quietLast) : "?";
        }

        String value(long value) {
            return value < 0 ? "?" : kib ? mebibytes(value) : String.format(Locale.ROOT, "%,d", value);
        }

        private String growth(long from, long to) {
            long growth = to - from;
            String sign = growth >= 0 ? "+" : "-";
            String amount = kib ? mebibytes(Math.abs(growth)) : String.format(Locale.ROOT, "%,d", Math.abs(growth));
            return from == 0 ? sign + amount
                    : String.format(Locale.ROOT, "%s%s (%+.1f %%)", sign, amount, 100.0 * growth / from);
        }
    }

    static final int WINDOW = 3;
    static final Tolerance HEAP = new Tolerance(0, 0.10);
    static final Tolerance METASPACE = new Tolerance(0, 0.05);
    static final Tolerance THREADS = new Tolerance(5, 0);
    static final Tolerance SOCKETS = new Tolerance(5, 0.05);
    static final Tolerance FILES = new Tolerance(10, 0.05);
    static final Tolerance CONNECTIONS = new Tolerance(1, 0);
    static final Tolerance RSS = new Tolerance(0, 0.10);

    /**
     * @param underLoad   every sample after warm-up with jobs still draining; with fewer than {@code 2 * WINDOW},
     *                    start and end are single samples, the first and the last
     * @param quietFirst  the quiet sample after warm-up; null when there was none
     * @param quietLast   the quiet sample at the end; null when there was none
     */
    static MemorySummary of(List<MemorySample> underLoad, MemorySample quietFirst, MemorySample quietLast) {
        if (underLoad.size() < 2) {
            throw new IllegalArgumentException("need at least two samples under load, got " + underLoad.size());
        }
        int window = window(underLoad.size());
        List<MemorySample> start = underLoad.subList(0, window);
        List<MemorySample> end = underLoad.subList(underLoad.size() - window, underLoad.size());
        List<Row> rows = new ArrayList<>();
        for (Figure figure : FIGURES) {
            ToLongFunction<MemorySample> value = figure.value();
            rows.add(new Row(figure.name(), figure.kib(), median(start, value), median(end, value),
                    underLoad.stream().mapToLong(value).max().orElse(-1), valueOf(quietFirst, value),
                    valueOf(quietLast, value), figure.tolerance()));
        }
        return new MemorySummary(List.copyOf(rows));
    }

    /** How many samples make the start and the end of {@code count} samples under load. */
    static int window(int count) {
        return count >= 2 * WINDOW ? WINDOW : 1;
    }

    /** The middle value; of an even count, the lower middle one. A figure not read (-1) in any sample is -1. */
    static long median(List<MemorySample> samples, ToLongFunction<MemorySample> figure) {
        long[] values = samples.stream().mapToLong(figure).sorted().toArray();
        return values[0] < 0 ? -1 : values[(values.length - 1) / 2];
    }

    boolean isFlat() {
        return rows.stream().allMatch(Row::isFlat);
    }

    List<String> lines() {
        List<String> lines = new ArrayList<>();
        String format = "%-34s %12s %12s %20s %12s | %12s %12s %20s | %16s  %s";
        lines.add(String.format(Locale.ROOT, format, "figure", "load: start", "end", "growth", "max",
                "quiet: start", "end", "growth", "tolerance", "verdict"));
        for (Row row : rows) {
            lines.add(String.format(Locale.ROOT, format, row.figure(), row.value(row.first()), row.value(row.last()),
                    row.growthText(), row.value(row.max()), row.value(row.quietFirst()), row.value(row.quietLast()),
                    row.quietGrowthText(), row.tolerance().describe(row.kib()), row.verdict()));
        }
        return lines;
    }

    private record Figure(String name, boolean kib, ToLongFunction<MemorySample> value, Tolerance tolerance) {
    }

    private static final List<Figure> FIGURES = List.of(
            new Figure("heap after full GC", true, MemorySample::heapAfterGcKib, HEAP),
            new Figure("metaspace", true, MemorySample::metaspaceKib, METASPACE),
            new Figure("live threads", false, MemorySample::threads, THREADS),
            new Figure("open sockets", false, MemorySample::sockets, SOCKETS),
            new Figure("open file descriptors", false, MemorySample::openFiles, FILES),
            new Figure("db connections (Hikari)", false, MemorySample::poolConnections, CONNECTIONS),
            new Figure("db connections (pg_stat_activity)", false, MemorySample::databaseConnections, CONNECTIONS),
            new Figure("RSS", true, MemorySample::rssKib, RSS));

    private static long valueOf(MemorySample sample, ToLongFunction<MemorySample> figure) {
        return sample == null ? -1 : figure.applyAsLong(sample);
    }

    private static String mebibytes(long kib) {
        return MemorySample.mebibytes(kib);
    }
}
