package dev.sluice.devstack.bench;

import java.util.Locale;

/**
 * One look at the worker process during {@code ./sluice bench memory}. A figure that could not be read is -1.
 *
 * @param seconds             since the first batch was submitted
 * @param jobsDone            jobs of the run that are terminal in PostgreSQL
 * @param heapAfterGcKib      heap used right after a full GC ({@link HeapAfterGc})
 * @param metaspaceKib        metaspace used at the same moment
 * @param threads             live threads ({@code /proc/<pid>/status})
 * @param sockets             open sockets ({@code /proc/<pid>/fd} entries that are {@code socket:[...]})
 * @param openFiles           open file descriptors, sockets included
 * @param poolConnections     Hikari's connections, active + idle ({@code /actuator/metrics/hikaricp.connections.*})
 * @param databaseConnections PostgreSQL's own count: rows of {@code pg_stat_activity} with the worker's
 *                            application name
 * @param rssKib              resident memory ({@code VmRSS})
 */
record MemorySample(double seconds, long jobsDone, long heapAfterGcKib, long metaspaceKib, long threads, long sockets,
                    long openFiles, long poolConnections, long databaseConnections, long rssKib) {

    static final String HEADER = String.format(Locale.ROOT, "%8s %10s %14s %11s %8s %8s %6s %12s %10s",
            "time", "jobs done", "heap after GC", "metaspace", "threads", "sockets", "fds", "db conns", "RSS");

    /** One line under {@link #HEADER}; db conns are Hikari's / PostgreSQL's. */
    String line() {
        return String.format(Locale.ROOT, "%7.0fs %,10d %14s %11s %8s %8s %6s %12s %10s", seconds, jobsDone,
                mebibytes(heapAfterGcKib), mebibytes(metaspaceKib), count(threads), count(sockets), count(openFiles),
                count(poolConnections) + " / " + count(databaseConnections), mebibytes(rssKib));
    }

    static String mebibytes(long kib) {
        return kib < 0 ? "?" : String.format(Locale.ROOT, "%,.1f MiB", kib / 1024.0);
    }

    private static String count(long value) {
        return value < 0 ? "?" : String.format(Locale.ROOT, "%,d", value);
    }
}
