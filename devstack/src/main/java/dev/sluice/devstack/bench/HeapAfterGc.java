package dev.sluice.devstack.bench;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a JVM keeps after a full collection: {@code GC.run} (a full GC, unless the JVM runs with
 * {@code -XX:+DisableExplicitGC}) and then {@code GC.heap_info} in one attach ({@link Jcmd}), so the heap is read a
 * moment after the collection, before the running application has allocated much again.
 *
 * @param heapUsedKib      sum of the {@code used} of every heap space (young and old, or the one G1 heap)
 * @param metaspaceUsedKib the {@code Metaspace used} figure: classes loaded, which a class leak grows
 */
record HeapAfterGc(long heapUsedKib, long metaspaceUsedKib) {

    /** "def new generation total 157248K, used 0K [", "PSYoungGen total ..., used ...", "garbage-first heap ...". */
    private static final Pattern HEAP_SPACE = Pattern.compile("total \\d+K, used (\\d+)K");
    private static final Pattern METASPACE = Pattern.compile("^\\s*Metaspace\\s+used (\\d+)K", Pattern.MULTILINE);

    static HeapAfterGc measure(long pid) throws IOException, InterruptedException {
        return parse(Jcmd.run(pid, "GC.run", "GC.heap_info"));
    }

    /** Reads {@code GC.heap_info} output of the Serial, Parallel or G1 collector. */
    static HeapAfterGc parse(String heapInfo) {
        long heapUsed = 0;
        int spaces = 0;
        for (String line : heapInfo.split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher space = HEAP_SPACE.matcher(line);
            if (space.find()) {
                heapUsed += Long.parseLong(space.group(1));
                spaces++;
            }
        }
        Matcher metaspace = METASPACE.matcher(heapInfo);
        if (spaces == 0 || !metaspace.find()) {
            throw new IllegalArgumentException("not GC.heap_info output: " + heapInfo.strip());
        }
        return new HeapAfterGc(heapUsed, Long.parseLong(metaspace.group(1)));
    }
}
