package dev.sluice.devstack.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The figures of a chaos run as a Markdown table (readable in a terminal, pasted as is into the README) and as
 * {@code BENCH chaos ...} lines for machines.
 */
final class ChaosTable {

    private ChaosTable() {
    }

    static List<String> markdown(List<PhaseFigures> phases) {
        List<String> lines = new ArrayList<>();
        lines.add("| phase | accepted | refused | succeeded | failed (by code) | expired | not terminal (lost) "
                + "| duplicate upstream calls (bound) | upstream 429s | circuit opened |");
        lines.add("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |");
        for (PhaseFigures phase : phases) {
            lines.add(row(phase, false));
        }
        lines.add(row(PhaseFigures.total(phases), true));
        return lines;
    }

    /** One line per phase and one for the total; the total carries the worker's memory. */
    static List<String> benchLines(List<PhaseFigures> phases, WorkerMemory start, WorkerMemory end, double wallSeconds) {
        List<String> lines = new ArrayList<>();
        for (PhaseFigures phase : phases) {
            lines.add(benchLine(phase));
        }
        lines.add(benchLine(PhaseFigures.total(phases)) + String.format(
                " worker_rss_start_mb=%s worker_rss_end_mb=%s worker_heap_start_mb=%s worker_heap_end_mb=%s wall_s=%.0f",
                mb(start.rssBytes()), mb(end.rssBytes()), mb(start.heapUsedBytes()), mb(end.heapUsedBytes()),
                wallSeconds));
        return lines;
    }

    /** {@code 0}, or the count and its codes by count: {@code 3 (server_error 2, timeout 1)}. */
    static String failedByCode(Map<String, Long> failedByCode) {
        long failed = failedByCode.values().stream().mapToLong(Long::longValue).sum();
        if (failed == 0) {
            return "0";
        }
        return failed + " (" + failedByCode.entrySet().stream()
                .filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(entry -> entry.getKey() + " " + entry.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String row(PhaseFigures phase, boolean total) {
        String name = total ? "**total**" : phase.phase();
        String lost = total && phase.notTerminal() > 0 ? "**" + phase.notTerminal() + "**"
                : Long.toString(phase.notTerminal());
        String duplicates = phase.duplicateCalls() > phase.duplicateBound()
                ? String.format("**%,d (≤ %,d)**", phase.duplicateCalls(), phase.duplicateBound())
                : String.format("%,d (≤ %,d)", phase.duplicateCalls(), phase.duplicateBound());
        return String.format("| %s | %,d | %,d | %,d | %s | %,d | %s | %s | %,d | %s |", name, phase.accepted(),
                phase.refused(), phase.succeeded(), failedByCode(phase.failedByCode()), phase.expired(), lost,
                duplicates, phase.rateLimited(), phase.circuitOpened() ? "yes" : "no");
    }

    private static String benchLine(PhaseFigures phase) {
        String codes = phase.failedByCode().entrySet().stream()
                .filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + ":" + entry.getValue())
                .collect(Collectors.joining(","));
        return String.format("BENCH chaos phase=%s accepted=%d refused=%d succeeded=%d failed=%d failed_codes=%s "
                        + "expired=%d not_terminal=%d duplicates=%d duplicate_bound=%d rate_limited=%d circuit_opened=%s",
                phase.phase(), phase.accepted(), phase.refused(), phase.succeeded(), phase.failed(),
                codes.isEmpty() ? "-" : codes, phase.expired(), phase.notTerminal(), phase.duplicateCalls(),
                phase.duplicateBound(),
                phase.rateLimited(), phase.circuitOpened());
    }

    private static String mb(OptionalLong bytes) {
        return bytes.isPresent() ? Long.toString(Math.round(bytes.getAsLong() / 1048576.0)) : "-";
    }
}
