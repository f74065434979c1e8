package dev.sluice.devstack.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The verdict of {@code ./sluice bench memory}: for each figure, the start after warm-up against the end, both
 * under load (like against like). Start and end are each the median of {@value #WINDOW} samples: the first ones after
 * warm-up and the last ones while jobs were still draining. Heap after a full GC still holds the jobs in flight, and
 * one sample can land on a peak of them (±15 % in practice), which one sample against one other would call growth.
 * A figure is flat when it grew by no more than its tolerance; shrinking is always flat. The highest value under
 * load is shown too, so growth that levels off can be told from growth that does not.
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

    record Row(String figure, boolean kib, long first, long last, long max, long idle, Tolerance tolerance) {

        long growth() {
            return last - first;
        }

        boolean isMeasured() {
            return first >= 0 && last >= 0;
        }

        boolean isFlat() {
            return isMeasured() && growth() <= tolerance.allowedGrowth(first);
        }

        String verdict() {
            return !isMeasured() ? "n/a" : isFlat() ? "flat" : "GROWS";
        }

        String growthText() {
            if (!isMeasured()) {
                return "?";
            }
            String sign = growth() >= 0 ? "+" : "-";
            String amount = kib ? mebibytes(Math.abs(growth())) : String.format(Locale.ROOT, "%,d", Math.abs(growth()));
            return first == 0 ? sign + amount
                    : String.format(Locale.ROOT, "%s%s (%+.1f %%)", sign, amount, 100.0 * growth() / first);
        }

        String value(long value) {
            return value < 0 ? "?" : kib ? mebibytes(value) : String.format(Locale.ROOT, "%,d", value);
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
     * @param underLoad every sample from the first after warm-up to the last one with jobs still draining; with fewer
     *                  than {@code 2 * WINDOW}, start and end are single samples, the first and the last
     * @param idle      the sample taken once every job was done, shown for reference; may be null
     */
    static MemorySummary of(List<MemorySample> underLoad, MemorySample idle) {
        if (underLoad.size() < 2) {
            throw new IllegalArgumentException("need at least two samples under load, got " + underLoad.size());
        }
        int window = underLoad.size() >= 2 * WINDOW ? WINDOW : 1;
        List<MemorySample> start = underLoad.subList(0, window);
        List<MemorySample> end = underLoad.subList(underLoad.size() - window, underLoad.size());
        List<Row> rows = new ArrayList<>();
        rows.add(row("heap after full GC", true, MemorySample::heapAfterGcKib, HEAP, start, end, underLoad, idle));
        rows.add(row("metaspace", true, MemorySample::metaspaceKib, METASPACE, start, end, underLoad, idle));
        rows.add(row("live threads", false, MemorySample::threads, THREADS, start, end, underLoad, idle));
        rows.add(row("open sockets", false, MemorySample::sockets, SOCKETS, start, end, underLoad, idle));
        rows.add(row("open file descriptors", false, MemorySample::openFiles, FILES, start, end, underLoad, idle));
        rows.add(row("db connections (Hikari)", false, MemorySample::poolConnections, CONNECTIONS, start, end,
                underLoad, idle));
        rows.add(row("db connections (pg_stat_activity)", false, MemorySample::databaseConnections, CONNECTIONS,
                start, end, underLoad, idle));
        rows.add(row("RSS", true, MemorySample::rssKib, RSS, start, end, underLoad, idle));
        return new MemorySummary(List.copyOf(rows));
    }

    /** The middle value; of an even count, the lower middle one. A figure not read (-1) in any sample is -1. */
    static long median(List<MemorySample> samples, ToLongFunction<MemorySample> figure) {
        long[] values = samples.stream().mapToLong(figure).sorted().toArray();
        return values[0] < 0 ? -1 : values[(values.length - 1) / 2];
    }

    boolean isFlat() {
        return rows.stream().filter(Row::isMeasured).allMatch(Row::isFlat);
    }

    List<String> lines() {
        List<String> lines = new ArrayList<>();
        String format = "%-34s %14s %14s %22s %14s %14s %16s  %s";
        lines.add(String.format(Locale.ROOT, format, "figure", "after warm-up", "end (load)", "growth", "max (load)",
                "idle, drained", "tolerance", "verdict"));
        for (Row row : rows) {
            lines.add(String.format(Locale.ROOT, format, row.figure(), row.value(row.first()), row.value(row.last()),
                    row.growthText(), row.value(row.max()), row.value(row.idle()), row.tolerance().describe(row.kib()),
                    row.verdict()));
        }
        return lines;
    }

    private static Row row(String figure, boolean kib, ToLongFunction<MemorySample> value, Tolerance tolerance,
                           List<MemorySample> start, List<MemorySample> end, List<MemorySample> underLoad,
                           MemorySample idle) {
        long max = underLoad.stream().mapToLong(value).max().orElse(-1);
        return new Row(figure, kib, median(start, value), median(end, value), max,
                idle == null ? -1 : value.applyAsLong(idle), tolerance);
    }

    private static String mebibytes(long kib) {
        return MemorySample.mebibytes(kib);
    }
}
