package dev.sluice.devstack.bench;

import dev.sluice.devstack.simulator.SimulatorStats;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Upstream figures read from Sluice's side, for a drain against an upstream that is not Sluice's simulator (its own
 * counters are out of reach): answers and the tokens the upstream charged for them (prompt tokens as it reported plus
 * the max output asked for) from the jobs in PostgreSQL, calls from the jobs' attempt counts, and 429 rate limits
 * from the worker logs ("rate limited by the upstream"). Duplicate paid calls cannot be seen from this side: 0 here
 * means unknown, and the report says so.
 */
final class SluiceSideCounters implements Supplier<SimulatorStats> {

    private static final String RATE_LIMITED_LINE = "rate limited by the upstream";

    private final Jdbi jdbi;
    private final Set<UUID> batches = ConcurrentHashMap.newKeySet();
    private final Map<Path, Long> readUpTo = new HashMap<>();
    private volatile Path workerLogs;
    private long rateLimited;

    SluiceSideCounters(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A new drain: its batches and the directory its workers log to. */
    synchronized void startRun(Path logDirectory) {
        batches.clear();
        readUpTo.clear();
        rateLimited = 0;
        workerLogs = logDirectory;
    }

    void addBatch(UUID batchId) {
        batches.add(batchId);
    }

    @Override
    public synchronized SimulatorStats get() {
        UUID[] ids = batches.toArray(UUID[]::new);
        Map<String, Object> row = ids.length == 0 ? Map.of() : jdbi.withHandle(handle -> handle.createQuery("""
                        select coalesce(sum(attempts), 0) as calls,
                               count(*) filter (where status = 'succeeded') as succeeded,
                               coalesce(sum(case when status = 'succeeded' then
                                   coalesce((result -> 'usage' ->> 'prompt_tokens')::bigint, 0)
                                   + coalesce((request ->> 'max_completion_tokens')::bigint, (request ->> 'max_tokens')::bigint, 0)
                                   end), 0) as charged,
                               coalesce(sum(case when status = 'succeeded' then (result -> 'usage' ->> 'prompt_tokens')::bigint end), 0) as prompt,
                               coalesce(sum(case when status = 'succeeded' then (result -> 'usage' ->> 'completion_tokens')::bigint end), 0) as completion
                        from jobs where batch_id = any(:ids)""")
                .bind("ids", ids).mapToMap().one());
        countRateLimitedLines();
        return new SimulatorStats(number(row, "calls") + rateLimited, number(row, "succeeded"), rateLimited, 0, 0, 0, 0,
                0, 0, 0, 0, number(row, "prompt"), number(row, "completion"), number(row, "charged"),
                number(row, "succeeded"), 0, null, null);
    }

    private static long number(Map<String, Object> row, String column) {
        Object value = row.get(column);
        return value instanceof Number number ? number.longValue() : 0;
    }

    /** Reads only what the worker logs gained since the last sample. */
    private void countRateLimitedLines() {
        Path directory = workerLogs;
        if (directory == null || !Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path log : files.filter(path -> path.toString().endsWith(".log")).toList()) {
                long from = readUpTo.getOrDefault(log, 0L);
                try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                    long length = file.length();
                    if (length <= from) {
                        continue;
                    }
                    byte[] gained = new byte[(int) Math.min(length - from, 64L << 20)];
                    file.seek(from);
                    file.readFully(gained);
                    String text = new String(gained, StandardCharsets.UTF_8);
                    int lastLineEnd = text.lastIndexOf('\n');
                    if (lastLineEnd < 0) {
                        continue;
                    }
                    rateLimited += occurrences(text.substring(0, lastLineEnd), RATE_LIMITED_LINE);
                    readUpTo.put(log, from + text.substring(0, lastLineEnd + 1).getBytes(StandardCharsets.UTF_8).length);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the worker logs in " + directory, e);
        }
    }

    static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    List<UUID> batches() {
        return List.copyOf(batches);
    }
}
