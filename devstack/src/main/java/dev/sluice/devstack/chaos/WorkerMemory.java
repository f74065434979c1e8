package dev.sluice.devstack.chaos;

import java.util.OptionalLong;

/**
 * A worker JVM's memory at one moment: resident set size from {@code /proc/<pid>/status}, and heap used right after a
 * full GC ({@code jcmd <pid> GC.run}), read from its {@code jvm.memory.used} meter. Empty when it could not be read.
 */
record WorkerMemory(long pid, OptionalLong rssBytes, OptionalLong heapUsedBytes) {

    /** {@code VmRSS} of a {@code /proc/<pid>/status} text, in bytes; empty when the line is missing. */
    static OptionalLong rssOf(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).strip().split("\\s+");
                long kilobytes = Long.parseLong(parts[0]);
                return OptionalLong.of(kilobytes * 1024);
            }
        }
        return OptionalLong.empty();
    }

    String describe() {
        return "RSS " + megabytes(rssBytes) + ", heap used after GC " + megabytes(heapUsedBytes);
    }

    static String megabytes(OptionalLong bytes) {
        return bytes.isPresent() ? String.format("%.0f MB", bytes.getAsLong() / 1048576.0) : "unknown";
    }
}
