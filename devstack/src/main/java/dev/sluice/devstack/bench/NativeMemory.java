package dev.sluice.devstack.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Native Memory Tracking in the worker ({@value #JVM_OPTION}): a baseline once warm-up is over, and at the end the
 * memory areas (heap, metaspace, code cache, threads, GC, ...) whose committed memory changed since. That tells what
 * RSS growth outside the heap is made of. Tracking costs a little memory and time, so it is off unless asked for.
 */
final class NativeMemory {

    static final String JVM_OPTION = "-XX:NativeMemoryTracking=summary";

    /** "Total: reserved=..., committed=...", and "-   Code (reserved=..., committed=247871KB +512KB)". */
    private static final Pattern CHANGED_AREA = Pattern.compile("^-\\s+.*committed=\\d+KB [+-]\\d+KB");

    private NativeMemory() {
    }

    static void baseline(long pid) throws IOException, InterruptedException {
        Jcmd.run(pid, "VM.native_memory baseline");
    }

    static List<String> changesSinceBaseline(long pid) throws IOException, InterruptedException {
        return changedAreas(Jcmd.run(pid, "VM.native_memory summary.diff scale=KB"));
    }

    /** The total line of a {@code summary.diff}, and each area whose committed memory changed, one line each. */
    static List<String> changedAreas(String summaryDiff) {
        List<String> lines = new ArrayList<>();
        for (String line : summaryDiff.split("\n")) {
            if (line.startsWith("Total:") || CHANGED_AREA.matcher(line).find()) {
                lines.add(line.replaceFirst("^-\\s+", "").strip());
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("not a native memory summary.diff: " + summaryDiff.strip());
        }
        return lines;
    }
}
